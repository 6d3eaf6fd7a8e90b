import { parsePhoneNumberWithError, type CountryCode } from "libphonenumber-js/max";

/** Collapses inner whitespace and trims, so "  Ada   Lovelace " is stored as "Ada Lovelace". */
export function tidyText(value: string): string {
  return value.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** Lower case without accents, for matching and search: "Łukasz Żółć" -> "lukasz zolc". */
export function fold(value: string): string {
  return tidyText(value)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁ]/g, "l")
    .replace(/[øØ]/g, "o")
    .replace(/ß/g, "ss")
    .replace(/[æÆ]/g, "ae")
    .toLowerCase();
}

/**
 * Consistent casing for names typed in all capitals or all lower case ("ADA LOVELACE",
 * "ada lovelace" -> "Ada Lovelace"). Mixed case is the owner's choice and is kept
 * ("McDonald", "van der Berg", "DJ Khaled").
 */
export function caseName(value: string): string {
  const tidy = tidyText(value);
  if (tidy !== tidy.toUpperCase() && tidy !== tidy.toLowerCase()) return tidy;
  return tidy.toLowerCase().replace(/(^|[\s\-'’])(\p{L})/gu, (_match, separator: string, letter: string) => separator + letter.toUpperCase());
}

export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

export function isEmail(normalised: string): boolean {
  return normalised.length <= 254 && EMAIL.test(normalised);
}

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * Parses a phone number written in any common format to E.164, using the default region for
 * numbers written without a country code. Numbers that cannot exist are refused.
 */
export function normalisePhone(value: string, defaultRegion?: string): PhoneResult {
  const text = value.trim();
  try {
    const region = defaultRegion && isCountryCode(defaultRegion) ? (defaultRegion as CountryCode) : undefined;
    const parsed = parsePhoneNumberWithError(text, region ? { defaultCountry: region } : {});
    if (!parsed.isValid()) return { ok: false, reason: "is not a valid phone number" };
    return { ok: true, e164: parsed.number };
  } catch {
    return {
      ok: false,
      reason: text.startsWith("+") || defaultRegion
        ? "is not a valid phone number"
        : "needs a country code (e.g. +44 20 7946 0958) or a default region",
    };
  }
}

const COUNTRY = /^[A-Z]{2}$/;
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

/** An assigned ISO 3166-1 alpha-2 code, as known to the runtime's CLDR data. */
export function isCountryCode(value: string): boolean {
  if (!COUNTRY.test(value) || value === "ZZ") return false;
  try {
    return regionNames.of(value) !== undefined;
  } catch {
    return false;
  }
}

export function normaliseCountry(value: string): string {
  return value.trim().toUpperCase();
}

export function normaliseTag(value: string): string {
  return tidyText(value).toLowerCase();
}

/** A web domain without scheme, "www." or path: "https://www.Example.com/about" -> "example.com". */
export function normaliseDomain(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[/?#].*$/, "")
    .replace(/^www\./, "")
    .replace(/\.$/, "");
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export function isDomain(normalised: string): boolean {
  return DOMAIN.test(normalised);
}
