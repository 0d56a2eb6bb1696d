// The official SDKs reject with the parsed ErrorBody (API calls), the extended response, or an axios
// error (the platform SDK's token call); this awaits the rejection.
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the SDK call to be rejected');
}
