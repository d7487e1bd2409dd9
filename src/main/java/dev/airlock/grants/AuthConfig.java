package dev.airlock.grants;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "airlock.auth")
public interface AuthConfig {

  enum Mode {
    /** API keys issued as grants (the default). */
    KEYS,
    /** OAuth 2.1 bearer JWTs from an external issuer. */
    OIDC,
    /** Every caller is one anonymous agent: local experiments only, refused in production. */
    NONE
  }

  @WithDefault("keys")
  Mode mode();

  /** How long a verified key is trusted before it is checked again (revocation delay). */
  @WithDefault("5s")
  Duration keyCacheTtl();

  /** The resource metadata URL advertised in {@code WWW-Authenticate} (MCP authorization). */
  Optional<String> resourceMetadataUrl();

  Oidc oidc();

  interface Oidc {
    /** Expected {@code iss} of bearer tokens. */
    Optional<String> issuer();

    /** Expected {@code aud}. */
    Optional<String> audience();

    /** Where the issuer publishes its signing keys. */
    Optional<String> jwksUrl();

    /** The claim naming the agent. */
    @WithDefault("sub")
    String agentClaim();

    /** The claim naming the agent's owner. */
    @WithDefault("owner")
    String ownerClaim();
  }
}
