// Types for lint-workflows.mjs (plain JavaScript so the lint runs with bare Node).
export const WORKFLOWS: string;
export function lintWorkflows(files: Record<string, string>): Promise<string[]>;
