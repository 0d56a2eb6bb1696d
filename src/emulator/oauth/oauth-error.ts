// Errors of the token endpoint. They are not ErrorBodies: the login service answers in the OAuth 2
// style `{error, description, error_description}` (§1.4, captured 2025-10 and 2026-02).

export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
  }

  toBody(): { error: string; description: string; error_description: string } {
    return { error: this.error, description: this.message, error_description: this.message };
  }
}

export const oauthErrors = {
  /** §1.4: wrong id or secret — exactly the captured body. */
  invalidClient: () => new OAuthError(401, 'invalid_client', 'authentication failed'),
  /** RFC 6749 §5.2: a grant other than client_credentials [I: Genesys' wording unknown]. */
  unsupportedGrantType: () =>
    new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials'),
  /** RFC 6749 §5.2: no grant_type, or a body that is not a form. */
  invalidRequest: (description: string) => new OAuthError(400, 'invalid_request', description),
} as const;
