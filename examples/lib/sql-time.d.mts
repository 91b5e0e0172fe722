// Types of sql-time.mjs for the TypeScript tests.
export declare const SECOND: number;
export declare const MINUTE: number;
export declare const HOUR: number;
export declare const DAY: number;
export declare function sqlTime(ms: number): string;
export declare function parseSqlTime(text: string): number;
export declare function clockText(ms: number): string;
