// Types for the JSON-LD / Data Integrity packages, which ship none; only what this library calls.

interface ContextPackage {
  contexts: Map<string, unknown>;
  CONTEXT_URL: string;
}

interface LinkedDataVerifyResult {
  verified: boolean;
  error?: unknown;
  results?: { verified: boolean; error?: unknown; verificationMethod?: { id?: string } }[];
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
}

declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: Map<string, unknown>;
  export const CONTEXT_URL: string;
}

declare module '@digitalbazaar/data-integrity-context' {
  const contextPackage: ContextPackage;
  export default contextPackage;
}

declare module '@digitalbazaar/multikey-context' {
  const contextPackage: ContextPackage;
  export default contextPackage;
}

declare module 'did-context' {
  const contextPackage: ContextPackage;
  export default contextPackage;
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: { name: string; requiredAlgorithm: string };
}

declare module '@digitalbazaar/data-integrity' {
  export interface DataIntegritySigner {
    id: string;
    algorithm: string;
    sign(input: { data: Uint8Array }): Promise<Uint8Array>;
  }
  export class DataIntegrityProof {
    constructor(options: { signer?: DataIntegritySigner; date?: Date | string | null; cryptosuite: unknown });
  }
}

declare module '@digitalbazaar/vc' {
  type DocumentLoader = (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  export function issue(options: { credential: object; suite: unknown; documentLoader: DocumentLoader; now?: Date }): Promise<Record<string, unknown>>;
  export function signPresentation(options: {
    presentation: object;
    suite: unknown;
    documentLoader: DocumentLoader;
    challenge: string;
    domain?: string;
  }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: {
    credential: object;
    suite: unknown;
    documentLoader: DocumentLoader;
    now?: Date;
    maxClockSkew?: number;
    checkStatus?: (options: { credential: object }) => Promise<{ verified: boolean; error?: unknown }>;
  }): Promise<LinkedDataVerifyResult>;
}

declare module 'jsonld-signatures' {
  const jsigs: {
    verify(
      document: object,
      options: { suite: unknown; purpose: unknown; documentLoader: (url: string) => Promise<unknown> },
    ): Promise<LinkedDataVerifyResult>;
    purposes: {
      AuthenticationProofPurpose: new (options: { challenge: string; domain?: string }) => unknown;
    };
  };
  export default jsigs;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    constructor(options: { length?: number; buffer?: Uint8Array });
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function checkStatus(options: { credential: object; documentLoader: unknown; suite: unknown }): Promise<{ verified: boolean; results?: { status: boolean }[] }>;
}
