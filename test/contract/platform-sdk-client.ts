// Configures Genesys' official platform SDK (purecloud-platform-client-v2 262.x) against an emulator.
// §1.1: setGateway sends logins to http://host:port/login/oauth/token and API calls to
// http://host:port/api/v2/...; path_params_api must stay unset (it would give /api/api/v2/...).
// The SDK's ApiClient is a process-wide singleton, so a contract file runs its SDK calls sequentially.
import platformClient from 'purecloud-platform-client-v2';
import type { RunningEmulator } from '../../src/emulator/index.ts';

export function platformSdkFor(emulator: RunningEmulator) {
  const client = platformClient.ApiClient.instance;
  // Never let the SDK's config-file watcher change the gateway under the test.
  client.config.live_reload_config = false;
  client.setGateway({
    host: emulator.host,
    protocol: 'http',
    port: emulator.port,
    path_params_login: 'login',
  });
  client.setReturnExtendedResponses(false);
  return {
    sdk: platformClient,
    client,
    conversations: new platformClient.ConversationsApi(),
    notifications: new platformClient.NotificationsApi(),
    users: new platformClient.UsersApi(),
    routing: new platformClient.RoutingApi(),
    analytics: new platformClient.AnalyticsApi(),
    architect: new platformClient.ArchitectApi(),
  };
}

export { rejection } from './rejection.ts';
