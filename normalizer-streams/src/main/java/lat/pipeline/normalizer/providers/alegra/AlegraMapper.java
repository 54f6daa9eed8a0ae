package lat.pipeline.normalizer.providers.alegra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Json;
import lat.pipeline.normalizer.mapping.JsonFields;
import lat.pipeline.normalizer.mapping.Lenient;
import lat.pipeline.normalizer.mapping.MappingGuard;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.ProviderMapper;
import lat.pipeline.normalizer.mapping.RawEvent;
import lat.pipeline.normalizer.mapping.RecordBatch;
import lat.pipeline.normalizer.mapping.SourceFields;
import lat.pipeline.normalizer.mapping.TenantSettings;
import lat.pipeline.schemas.canonical.Action;
import lat.pipeline.schemas.canonical.DocumentKind;

/**
 * Alegra. Body {@code {subject: "{verb}-{noun}", message: {noun: {...}}}} with full objects, no
 * event id, time or account: the delivery id is subject + entity id + the receipt (a redelivery
 * repeats the body, but so does a real change back to an earlier state, so the no-op check against
 * the entity's last state, not the id, drops a redelivery), and there is no source time.
 */
public final class AlegraMapper implements ProviderMapper {

  /** The amount fields of Alegra's objects (items, documents, payments). */
  private static final Set<String> AMOUNTS =
      Set.of("price", "unitCost", "subtotal", "total", "totalPaid", "balance", "amount");

  private final TenantSettings settings;

  public AlegraMapper(TenantSettings settings) {
    this.settings = settings;
  }

  @Override
  public String provider() {
    return "alegra";
  }

  @Override
  public MappingResult map(RawEvent raw) {
    return MappingGuard.run(() -> mapOrThrow(raw));
  }

  private List<CanonicalRecord> mapOrThrow(RawEvent raw) {
    JsonFields body = JsonFields.of(Json.parse(raw.body(), "body"), "body");
    return records(raw, body, new SourceFields.Source(provider(), body.object(), AlegraMapper::declared));
  }

  /** Alegra's dates are the only leaves its JSON types do not say; its amounts are numbers of money. */
  static SourceFields.Declared declared(String field) {
    if (field.equals("date") || field.equals("dueDate")) {
      return SourceFields.Declared.DATE;
    }
    return AMOUNTS.contains(field) ? SourceFields.Declared.MONEY : null;
  }

  private List<CanonicalRecord> records(RawEvent raw, JsonFields body, SourceFields.Source source) {
    String subject = body.text("subject");
    JsonNode message = body.node("message");
    if (subject == null) {
      String deliveryId = RecordBatch.deliveryId(raw, "unknown", RecordBatch.receipt(raw));
      return new RecordBatch(raw, deliveryId, "alegra.webhook", Action.UNKNOWN, null)
          .source(source)
          .addEvent("unknown", null, body.object(), Map.of())
          .records();
    }
    int dash = subject.indexOf('-');
    String verb = dash < 0 ? "" : subject.substring(0, dash);
    String noun = subject.substring(dash + 1);
    Action action =
        switch (verb) {
          case "new" -> Action.CREATED;
          case "edit" -> Action.UPDATED;
          case "delete" -> Action.DELETED;
          default -> Action.UNKNOWN;
        };
    // Deletions may carry just {id}, directly in the message.
    JsonNode entity = message.path(noun).isObject() ? message.path(noun) : message;
    String entityId = entity.isObject() ? Lenient.id(entity.path("id")).orElse(null) : null;
    String deliveryId =
        RecordBatch.deliveryId(raw, subject, entityId == null ? "-" : entityId, RecordBatch.receipt(raw));
    Map<String, String> envelope = body.attributes();
    RecordBatch batch = new RecordBatch(raw, deliveryId, subject, action, null).source(source);
    if (action == Action.DELETED) {
      batch.partial(); // a deletion may carry just the id
    }
    String where = "message." + noun;
    TenantSettings.Tenant tenant = settings.of(raw.provider(), raw.tenant());
    switch (action == Action.UNKNOWN ? "" : noun) {
      case "client" -> AlegraEntities.customer(batch, JsonFields.of(entity, where), envelope);
      case "item" -> AlegraEntities.item(batch, JsonFields.of(entity, where), action, envelope, tenant);
      case "invoice" -> AlegraEntities.document(batch, JsonFields.of(entity, where), noun, DocumentKind.INVOICE, "client.id", envelope, tenant);
      case "bill" -> AlegraEntities.document(batch, JsonFields.of(entity, where), noun, DocumentKind.BILL, "provider.id", envelope, tenant);
      default -> batch.addEvent(noun, entityId, message, envelope);
    }
    return batch.records();
  }
}
