/** Loading the catalog YAML file, for `premiumbot products sync` and the setup wizard. */
import fs from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { CatalogError, parseCatalog, type CatalogItem } from '../../core/catalog.js';
import { UsageError } from '../../core/errors.js';

/** Reads and validates a catalog YAML file; every problem is reported at once (exit 2). */
export function loadCatalogFile(file: string, currency: string): CatalogItem[] {
  if (!fs.existsSync(file)) {
    throw new UsageError(`The catalog file ${file} does not exist.`, {
      hint: 'Copy templates/products.example.yaml, edit it, and pass it with --catalog FILE.',
    });
  }
  let document: unknown;
  try {
    document = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (cause) {
    const where =
      cause instanceof YAMLParseError && cause.linePos ? ` (line ${cause.linePos[0].line})` : '';
    throw new UsageError(
      `The catalog file ${file} is not valid YAML${where}: ${(cause as Error).message.split('\n')[0]}`,
      {
        hint: 'Compare it with templates/products.example.yaml.',
        cause,
      },
    );
  }
  try {
    return parseCatalog(document, currency);
  } catch (cause) {
    if (cause instanceof CatalogError) {
      throw new UsageError(
        `The catalog file ${file} is not valid:\n${cause.problems.map((p) => `  - ${p}`).join('\n')}`,
        {
          hint: 'Each product needs label, type (credits | time), amount (whole number) and price in its currency\'s decimals ("5.00" USD, "500" JPY, "5.000" KWD); see templates/products.example.yaml.',
          cause,
        },
      );
    }
    throw cause;
  }
}
