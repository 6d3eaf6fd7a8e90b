// Prints a development bearer token signed with AUTH_JWT_SECRET: `node dist/dev-token.js [tenant] [role]`.
import { SignJWT } from "jose";

async function main(): Promise<void> {
  const secret = process.env.AUTH_JWT_SECRET;
  if (!secret) throw new Error("AUTH_JWT_SECRET is not set");
  const [tenant = "demo", role = "admin"] = process.argv.slice(2);
  const token = await new SignJWT({ tenant, roles: [role] })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(`dev-${role}`)
    .setIssuedAt()
    .setExpirationTime("12h")
    .sign(new TextEncoder().encode(secret));
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
