package lat.pipeline.tools;

import lat.pipeline.config.Env;

/**
 * Where {@code tail} and {@code trace} look: the same variables and defaults as the services, so
 * they reach {@code ./pipeline dev} with nothing set.
 */
public record ToolsConfig(String bootstrapServers, String schemaRegistryUrl) {

  public static ToolsConfig fromEnv(Env env) {
    return new ToolsConfig(
        env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"));
  }
}
