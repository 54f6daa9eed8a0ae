package lat.pipeline.normalizer.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.Supplier;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFieldsTest {

  private static final Supplier<ZoneId> SANTIAGO = () -> ZoneId.of("America/Santiago");

  private static JsonNode json(String text) {
    return Json.parse(text, "test");
  }

  @Test
  void idsArriveAsStringsOrNumbers() {
    assertThat(Lenient.id(json("1016222"))).contains("1016222");
    assertThat(Lenient.id(json("\" 1016000 \""))).contains("1016000");
    assertThat(Lenient.id(json("12.0"))).contains("12");
    assertThat(Lenient.id(json("\"\""))).isEmpty();
    assertThat(Lenient.id(json("{}"))).isEmpty();
  }

  @Test
  void typedLeavesAreReadIntoTheirTypesAndLeaveTheAttributes() {
    JsonFields fields = JsonFields.of(json("{\"a_flag\": \"1\", \"b_flag\": \"maybe\", \"named_flag\": \"0\","
        + " \"x\": {\"c_cost\": \"12.50\"}, \"d_fecha\": \"0000-00-00\", \"e_fecha\": \"2025-01-31\", \"other\": \"1\"}"), "test");
    fields.flag("named_flag");
    java.util.function.Function<String, SourceFields.Declared> declared = name ->
        name.endsWith("_flag") ? SourceFields.Declared.FLAG : name.endsWith("_cost") ? SourceFields.Declared.MONEY
            : name.endsWith("_fecha") ? SourceFields.Declared.DATE : null;

    JsonFields.Typed typed = fields.typed(declared, java.util.EnumSet.allOf(SourceFields.Declared.class));

    assertThat(typed.flags()).as("a named field is not repeated").containsExactly(Map.entry("a_flag", true));
    assertThat(typed.amounts()).containsOnlyKeys("x.c_cost");
    assertThat(typed.amounts().get("x.c_cost")).isEqualByComparingTo("12.5");
    assertThat(typed.dates()).containsEntry("d_fecha", null).containsEntry("e_fecha", LocalDate.of(2025, 1, 31));
    assertThat(fields.attributes()).as("what is not readable as declared stays as sent")
        .containsExactly(Map.entry("b_flag", "maybe"), Map.entry("other", "1"));
  }

  @Test
  void typedLeavesOfKindsNotAskedForStayInTheAttributes() {
    JsonFields fields = JsonFields.of(json("{\"a_flag\": \"1\", \"d_fecha\": \"2025-01-31\"}"), "test");

    JsonFields.Typed typed = fields.typed(
        name -> name.endsWith("_flag") ? SourceFields.Declared.FLAG : SourceFields.Declared.DATE, java.util.Set.of(SourceFields.Declared.FLAG));

    assertThat(typed.dates()).isEmpty();
    assertThat(fields.attributes()).containsOnlyKeys("d_fecha");
  }

  @Test
  void flagsArriveAsZeroOneOrBooleans() {
    assertThat(Lenient.flag(json("\"1\""))).contains(true);
    assertThat(Lenient.flag(json("\"0\""))).contains(false);
    assertThat(Lenient.flag(json("true"))).contains(true);
    assertThat(Lenient.flag(json("0"))).contains(false);
    assertThat(Lenient.flag(json("\"maybe\""))).isEmpty();
  }

  @Test
  void decimalsKeepTheirScaleAndRejectText() {
    assertThat(Lenient.decimal(json("2500.00"))).contains(new BigDecimal("2500.00"));
    assertThat(Lenient.decimal(json("\"1190\""))).contains(new BigDecimal("1190"));
    assertThat(Lenient.decimal(json("\"mil\""))).isEmpty();
  }

  @Test
  void zeroDateMeansNoDate() {
    JsonFields fields = JsonFields.of(json("{\"fecha\": \"0000-00-00\", \"vence\": \"2024-06-18\", \"otra\": \"pronto\"}"), "test");

    assertThat(fields.date("fecha")).isNull();
    assertThat(fields.date("vence")).isEqualTo(LocalDate.of(2024, 6, 18));
    assertThat(fields.date("otra")).isNull();
    assertThat(fields.attributes()).containsOnlyKeys("otra"); // unreadable: kept as sent
  }

  @Test
  void timestampsFromEpochIsoOrLocalTimeInTheZone() {
    assertThat(Lenient.timestamp(json("1503500856"), SANTIAGO)).contains(Instant.parse("2017-08-23T15:07:36Z"));
    assertThat(Lenient.timestamp(json("1503500856123"), SANTIAGO)).contains(Instant.parse("2017-08-23T15:07:36.123Z"));
    assertThat(Lenient.timestamp(json("\"2025-07-01T10:00:00-04:00\""), SANTIAGO)).contains(Instant.parse("2025-07-01T14:00:00Z"));
    // July: Chilean winter time, UTC-4.
    assertThat(Lenient.timestamp(json("\"2025-07-01 10:00:00\""), SANTIAGO)).contains(Instant.parse("2025-07-01T14:00:00Z"));
    assertThat(Lenient.timestamp(json("\"0000-00-00 00:00:00\""), SANTIAGO)).isEmpty();
    assertThat(Lenient.timestamp(json("999999999999999"), SANTIAGO)).isEmpty();
  }

  @Test
  void splitRegistrationPartsMakeOneInstant() {
    assertThat(Lenient.splitDateTime(json("\"01\""), json("\"01\""), json("\"2025\""), json("\"12:00\""), SANTIAGO))
        .contains(Instant.parse("2025-01-01T15:00:00Z"));
    assertThat(Lenient.splitDateTime(json("\"31\""), json("\"02\""), json("\"2025\""), json("\"12:00\""), SANTIAGO)).isEmpty();
  }

  @Test
  void attributesKeepEveryUnusedValueByDottedPath() {
    JsonFields fields =
        JsonFields.of(json("{\"id\": 1, \"address\": {\"city\": \"X\", \"zip\": \"9\"}, \"tags\": [1, 2], \"gone\": null, \"blank\": \"\"}"), "test");
    fields.id("id");
    fields.text("address.city");

    assertThat(fields.attributes()).containsExactly(
        Map.entry("address.zip", "9"), Map.entry("blank", ""), Map.entry("tags", "[1,2]"));
  }

  @Test
  void requiredIdNamesTheMissingField() {
    JsonFields fields = JsonFields.of(json("{}"), "message.client");

    assertThatThrownBy(() -> fields.requiredId("id")).hasMessage("message.client.id is missing");
  }

  @Test
  void canonicalJsonIgnoresWhitespaceKeyOrderAndTrailingZeros() {
    assertThat(Json.canonical(json("{ \"b\": [1.50, true, null], \"a\": \"x/y\" }")))
        .isEqualTo(Json.canonical(json("{\"a\":\"x\\/y\",\"b\":[1.5,true,null]}")))
        .isEqualTo("{\"a\":\"x/y\",\"b\":[1.5,true,null]}");
  }

  @Test
  void amountsAreScaledToFourPlacesAndBoundedInSize() {
    assertThat(Amounts.scaled(new BigDecimal("2500.00"))).isEqualTo(new BigDecimal("2500.0000"));
    assertThat(Amounts.scaled(new BigDecimal("0.123456"))).isEqualTo(new BigDecimal("0.1235"));
    assertThatThrownBy(() -> Amounts.scaled(new BigDecimal("1e999999999"))).isInstanceOf(MappingException.class);
  }

  @Test
  void parseFailuresSayWhereWithoutQuotingTheBody() {
    assertThatThrownBy(() -> Json.parse("{\"secret\": \"abc\"", "body"))
        .isInstanceOf(MappingException.class)
        .hasMessageStartingWith("body is not valid JSON")
        .hasMessageNotContaining("abc");
  }
}
