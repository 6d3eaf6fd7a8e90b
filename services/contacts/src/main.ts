import { loadContactsConfig } from "./config";
import { startContacts } from "./app";

async function main(): Promise<void> {
  const config = loadContactsConfig();
  const { runtime, ports } = await startContacts(config);
  runtime.handleSignals();
  runtime.log.info(ports, "contacts service ready");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
