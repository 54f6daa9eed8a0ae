package lat.pipeline.tools;

import lat.pipeline.config.Env;
import lat.pipeline.config.KafkaSecurity;
import lat.pipeline.config.RegistrySecurity;
import lat.pipeline.kafka.KafkaClients;
import lat.pipeline.kafka.CanonicalRegistry;

/**
 * Where {@code tail} and {@code trace} look: the same variables and defaults as the services, so
 * they reach {@code ./pipeline dev} with nothing set.
 */
public record ToolsConfig(KafkaClients kafka, String schemaRegistryUrl, RegistrySecurity registrySecurity) {

  public static ToolsConfig fromEnv(Env env) {
    return new ToolsConfig(
        new KafkaClients(env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"), KafkaSecurity.fromEnv(env)),
        env.string("SCHEMA_REGISTRY_URL", "http://localhost:8081"),
        RegistrySecurity.fromEnv(env));
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public CanonicalRegistry schemaRegistry() {
    return new CanonicalRegistry(schemaRegistryUrl, registrySecurity);
  }
}
