// The package's programmatic entry (`import … from 'genesys-handover'`): run the gateway or the
// emulator inside your own process. The command (`genesys-handover serve|demo|emulator|dead-letters`)
// is the usual way; this is for embedding and for tests of a bot against the emulator.
export { startGateway, type RunningGateway } from './composition/start-gateway.ts';
export { loadConfigFile, parseConfig, ConfigError } from './config/load.ts';
export { configSchema, type GatewayConfig, type EndpointConfig } from './config/schema.ts';
export { startEmulator, type RunningEmulator, type EmulatorOptions } from './emulator/index.ts';
