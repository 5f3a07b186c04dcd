/**
 * Where inference may be asked to run; `auto` tries the platform's candidates
 * fastest first. The one list: the settings schema, the engine's info, the
 * CLI's `--ep` and the renderer's choices are all checked against it.
 */
export const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'webgpu', 'coreml'] as const;
export type ProviderRequest = (typeof PROVIDERS)[number];
export type Provider = Exclude<ProviderRequest, 'auto'>;
