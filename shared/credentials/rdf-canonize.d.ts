/** The part of rdf-canonize 5 that canonize.ts uses (the package ships no types). */
declare module 'rdf-canonize' {
  export function canonize(dataset: readonly object[], options: { algorithm: 'RDFC-1.0' }): Promise<string>;
}
