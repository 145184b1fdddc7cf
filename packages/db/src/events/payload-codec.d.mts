export declare const PayloadEncoding: { readonly utf8: 0; readonly deflateRaw: 1; readonly deflateRawDictV1: 2; readonly inBlock: 3; readonly brotli: 4 };
export declare const BLOCK_PAYLOAD_MAX_CHARS: number;
export declare const BLOCK_TARGET_BYTES: number;
export declare const COMPRESS_THRESHOLD_BYTES: number;
export declare const BROTLI_MIN_BLOCK_BYTES: number;

/** A payload (or a block of payloads) as stored. */
export interface EncodedPayload {
  encoding: number;
  /** Bytes before compression. */
  size: number;
  bytes: Buffer;
}

/** Where one payload of a commit went: into block `block` of the commit at `offset`, or stored on its own. */
export type PayloadPlacement = { block: number; offset: number; size: number } | EncodedPayload;

export interface EncodedCommit {
  blocks: EncodedPayload[];
  placements: PayloadPlacement[];
}

export declare function encodePayload(json: string): EncodedPayload;
export declare function encodeCommit(groups: readonly string[], payloads: readonly string[]): EncodedCommit;
