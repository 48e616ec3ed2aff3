// Types for check-config.mjs (plain JavaScript so the lint runs with bare Node).
export const WORKFLOWS: string;
export const BUILDER_CONFIG: string;
export function lintWorkflows(files: Record<string, string>): Promise<string[]>;
export function checkBuilderConfig(text: string): string[];
