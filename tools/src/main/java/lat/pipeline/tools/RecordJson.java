package lat.pipeline.tools;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import lat.pipeline.schemas.CanonicalClasses;
import lat.pipeline.kafka.CanonicalRegistry;
import lat.pipeline.schemas.DeadLetterHeaders;
import lat.pipeline.schemas.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One record as one JSON object: topic, partition, offset, timestamp (RFC 3339), key, headers (as
 * strings), a {@code deadLetter} summary on dead letters, {@code valueEncoding} and {@code value}.
 * Canonical values are decoded with the normalizer's codec (Apicurio's Avro deserializer, Confluent
 * wire format, schemas from the registry), one per topic, and shown as JSON ({@code avro}); other
 * values are text when they are valid UTF-8 ({@code text}), else base64 ({@code base64}).
 */
public final class RecordJson implements AutoCloseable {

  public static final JsonMapper JSON = JsonMapper.builder()
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();

  /** A record's value as far as it could be read. */
  public sealed interface Value {
    /** A canonical record, decoded. */
    record Canonical(SpecificRecord record) implements Value {}

    /** Bytes of a topic that has no schema (raw bodies, envelopes, dead letters). */
    record Bytes(byte[] bytes) implements Value {}

    /** A canonical value that could not be decoded (registry down, not the wire format): shown as bytes with why. */
    record Undecodable(byte[] bytes, String error) implements Value {}
  }

  private final Map<String, Deserializer<SpecificRecord>> canonical = new HashMap<>();

  public RecordJson(CanonicalRegistry schemaRegistry) {
    CanonicalClasses.trust();
    Map<String, Object> serdeConfig = schemaRegistry.serdeConfig();
    Topics.CANONICAL.forEach(topic -> {
      AvroKafkaDeserializer<SpecificRecord> deserializer = new AvroKafkaDeserializer<>();
      deserializer.configure(serdeConfig, false);
      canonical.put(topic.name(), deserializer);
    });
  }

  public boolean isCanonical(String topic) {
    return canonical.containsKey(topic);
  }

  public Value value(ConsumerRecord<String, byte[]> record) {
    Deserializer<SpecificRecord> deserializer = canonical.get(record.topic());
    if (deserializer == null || record.value() == null) {
      return new Value.Bytes(record.value());
    }
    try {
      return new Value.Canonical(deserializer.deserialize(record.topic(), record.headers(), record.value()));
    } catch (RuntimeException e) {
      return new Value.Undecodable(record.value(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  public ObjectNode render(ConsumerRecord<String, byte[]> record) {
    return render(record, value(record));
  }

  public ObjectNode render(ConsumerRecord<String, byte[]> record, Value value) {
    ObjectNode json = JSON.createObjectNode();
    json.put("topic", record.topic());
    json.put("partition", record.partition());
    json.put("offset", record.offset());
    json.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    json.put("key", record.key());
    ObjectNode headers = json.putObject("headers");
    for (Header header : record.headers()) {
      headers.put(header.key(), header.value() == null ? null : textOrBase64(header.value()));
    }
    DeadLetterHeaders.read(record.headers()).ifPresent(letter -> {
      ObjectNode deadLetter = json.putObject("deadLetter");
      deadLetter.put("step", letter.step());
      deadLetter.put("reason", letter.reason());
      deadLetter.put("source", letter.source());
      deadLetter.put("failedAt", letter.failedAt() == null ? null : letter.failedAt().toString());
    });
    if (value instanceof Value.Canonical decoded) {
      json.put("valueEncoding", "avro");
      json.set("value", AvroJson.toJson(decoded.record()));
    } else if (value instanceof Value.Undecodable undecodable) {
      putBytes(json, undecodable.bytes());
      json.put("decodeError", undecodable.error());
    } else {
      putBytes(json, ((Value.Bytes) value).bytes());
    }
    return json;
  }

  public String line(ConsumerRecord<String, byte[]> record, Value value) {
    try {
      return JSON.writeValueAsString(render(record, value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  public String line(ConsumerRecord<String, byte[]> record) {
    return line(record, value(record));
  }

  /** The text, or empty when the bytes are not valid UTF-8. */
  public static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static void putBytes(ObjectNode json, byte[] bytes) {
    if (bytes == null) {
      json.putNull("valueEncoding");
      json.putNull("value");
      return;
    }
    Optional<String> text = utf8(bytes);
    json.put("valueEncoding", text.isPresent() ? "text" : "base64");
    json.put("value", text.orElseGet(() -> Base64.getEncoder().encodeToString(bytes)));
  }

  private static String textOrBase64(byte[] bytes) {
    return utf8(bytes).orElseGet(() -> Base64.getEncoder().encodeToString(bytes));
  }

  @Override
  public void close() {
    canonical.values().forEach(Deserializer::close);
  }
}
