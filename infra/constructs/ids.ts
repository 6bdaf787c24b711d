/** `award` → `Award`, `on-credential-issued` → `OnCredentialIssued`: manifest names as PascalCase construct ids. */
export const pascalCase = (s: string): string =>
  s
    .split(/[^a-zA-Z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
