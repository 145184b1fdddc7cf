/** The preset deflate dictionary of payload encoding 2 (see payload-dictionary.mjs). Frozen. */
export declare const PAYLOAD_DICTIONARY_V1: Buffer;
