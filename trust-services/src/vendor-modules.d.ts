// The part of jsonld's API the services use (jsonld ships no types).
declare module 'jsonld' {
  interface ExpandOptions {
    documentLoader: (url: string) => Promise<unknown>;
    safe?: boolean;
    base?: string | null;
  }
  const jsonld: {
    expand(input: unknown, options: ExpandOptions): Promise<unknown[]>;
  };
  export default jsonld;
}
