package lat.pipeline.normalizer.providers.ninox;

import static lat.pipeline.normalizer.mapping.MappingAssertions.eventIds;
import static lat.pipeline.normalizer.mapping.MappingAssertions.failed;
import static lat.pipeline.normalizer.mapping.MappingAssertions.fingerprints;
import static lat.pipeline.normalizer.mapping.MappingAssertions.mapped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import lat.pipeline.normalizer.mapping.CanonicalEntity;
import lat.pipeline.normalizer.mapping.CanonicalRecord;
import lat.pipeline.normalizer.mapping.Fixtures;
import lat.pipeline.normalizer.mapping.MappingAssertions;
import lat.pipeline.normalizer.mapping.MappingResult;
import lat.pipeline.normalizer.mapping.TestEvents;
import lat.pipeline.schemas.canonical.Event;
import lat.pipeline.schemas.canonical.Product;
import lat.pipeline.schemas.canonical.ProductTag;
import lat.pipeline.schemas.canonical.Variant;
import org.junit.jupiter.api.Test;

class NinoxMapperTest {

  private final NinoxMapper mapper = new NinoxMapper(TestEvents.SETTINGS);

  private MappingResult map(String body) {
    return mapper.map(TestEvents.raw("ninox", "ninox.webhook", body));
  }

  private MappingResult mapFixture(String name) {
    return mapper.map(TestEvents.raw("ninox", "ninox.webhook", Fixtures.read(Fixtures.shared("ninox", name))));
  }

  @Test
  void flatArticleIsOneProductFivePricesAndStockPerVariant() {
    List<CanonicalRecord> records = mapped(mapFixture("articulo.flat.multi.json"));

    assertThat(records).extracting(CanonicalRecord::entity)
        .containsExactly(
            CanonicalEntity.PRODUCT, CanonicalEntity.PRICE, CanonicalEntity.PRICE, CanonicalEntity.PRICE,
            CanonicalEntity.PRICE, CanonicalEntity.PRICE, CanonicalEntity.STOCK, CanonicalEntity.STOCK);
    assertThat(((Product) records.get(0).value()).getVariants()).hasSize(2);
    assertThat(records).extracting(CanonicalRecord::eventId).doesNotHaveDuplicates();
  }

  @Test
  void flatAndComplexFormsDescribeTheSameVariants() {
    Product flat = (Product) mapped(mapFixture("articulo.flat.multi.json")).get(0).value();
    Product complex = (Product) mapped(mapFixture("articulo.complex.json")).get(0).value();

    assertThat(complex.getVariants()).extracting("id", "size", "color")
        .containsExactlyElementsOf(
            flat.getVariants().stream().map(v -> org.assertj.core.groups.Tuple.tuple(v.getId(), v.getSize(), v.getColor())).toList());
    assertThat(complex.getCategories()).isEqualTo(flat.getCategories());
  }

  // Fails on main before this change: colour and size ids and codes were only attributes, or only the variant id.
  @Test
  void eachRowKeepsItsColourAndSizeInNamedFields() {
    Product product = (Product) mapped(mapFixture("articulo.flat.multi.json")).get(0).value();
    Variant second = product.getVariants().get(1);

    assertThat(second.getColorId()).isEqualTo("1");
    assertThat(second.getSizeId()).isEqualTo("2");
    assertThat(second.getColorCode()).isEqualTo("RED");
    assertThat(second.getSizeCode()).isEqualTo("M");
    assertThat(second.getColorHex()).isEqualTo("#FF0000");
    assertThat(second.getSize()).isEqualTo("M");
    assertThat(second.getAttributes()).isEmpty();
  }

  // Fails on main before this change: a later row's differing article field was dropped from the model.
  @Test
  void aLaterRowThatSaysOtherwiseKeepsItOnItsVariant() {
    String body = "[{\"articuloId\": 1, \"talleId\": 1, \"precio1\": 10, \"nombre\": \"A\"},"
        + " {\"articuloId\": 1, \"talleId\": 2, \"precio1\": 12, \"nombre\": \"A\"}]";

    Product product = (Product) mapped(map(body)).get(0).value();

    assertThat(product.getVariants().get(0).getAttributes()).isEmpty();
    assertThat(product.getVariants().get(1).getAttributes()).containsExactly(java.util.Map.entry("precio1", "12"));
  }

  // Fails on main before this change: tag ids were dropped from the named model (names only).
  @Test
  void tagsAndCategoriesKeepTheirIds() {
    Product flat = (Product) mapped(mapFixture("articulo.flat.multi.json")).get(0).value();
    Product complex = (Product) mapped(mapFixture("articulo.complex.json")).get(0).value();

    assertThat(flat.getTaxonomy()).extracting(ProductTag::getId, ProductTag::getName, ProductTag::getCategory)
        .containsExactly(tuple("1", "Remeras", false), tuple("5", "Básico", false), tuple("8", "Algodón", false),
            tuple("2", "Ropa", true), tuple("4", "Casual", true));
    assertThat(complex.getTaxonomy()).extracting(ProductTag::getId, ProductTag::getCategory, ProductTag::getParentId, ProductTag::getFeatured)
        .containsExactly(tuple("1", false, null, true), tuple("2", true, null, false), tuple("4", true, "2", false));
    assertThat(complex.getTaxonomy().get(0).getAttributes()).containsEntry("articuloTagId", "101");
    assertThat(complex.getAttributes()).doesNotContainKey("tags");
  }

  // Fails on main before this change: prices and stock carried no source fields.
  @Test
  void everyRecordCarriesTheRowsItWasMadeFromAndNoOtherArticles() {
    String body = "[{\"articuloId\": 1, \"talleId\": 1, \"precio1\": 10, \"unidades\": 3},"
        + " {\"articuloId\": 2, \"talleId\": 1, \"precio1\": 20, \"unidades\": 4},"
        + " {\"articuloId\": 1, \"talleId\": 2, \"precio1\": 10, \"unidades\": 5}]";

    List<CanonicalRecord> records = mapped(map(body));
    CanonicalRecord product = records.stream().filter(r -> r.key().equals("ninox:demo:1")).findFirst().orElseThrow();
    CanonicalRecord price = records.stream().filter(r -> r.key().equals("ninox:demo:1:1")).findFirst().orElseThrow();
    CanonicalRecord stock = records.stream().filter(r -> r.key().equals("ninox:demo:1-0-2")).findFirst().orElseThrow();

    assertThat(MappingAssertions.sourceFields(product).keySet()).allMatch(path -> path.startsWith("[0]") || path.startsWith("[2]"));
    assertThat(MappingAssertions.sourceFields(price).keySet())
        .containsExactly("[0].articuloId", "[0].precio1", "[2].articuloId", "[2].precio1");
    assertThat(MappingAssertions.sourceFields(stock).keySet()).containsExactly("[2].articuloId", "[2].precio1", "[2].talleId", "[2].unidades");
  }

  @Test
  void unknownNewFieldsAreKeptNotFatal() {
    String body =
        "[{\"articuloId\": 1, \"colorId\": 1, \"talleId\": 1, \"unidades\": 2, \"precio1\": 10.5,"
            + " \"stockDepositos\": [{\"depositoId\": 3, \"unidades\": 2}], \"temporada\": \"invierno\"}]";

    Product product = (Product) mapped(map(body)).get(0).value();

    assertThat(product.getVariants().get(0).getAttributes())
        .containsEntry("stockDepositos", "[{\"depositoId\":3,\"unidades\":2}]")
        .containsEntry("temporada", "invierno");
  }

  // Fails on main before this change: the deactivation was DELETED, though the article can come back.
  @Test
  void deactivationIsADeactivatedPartialProduct() {
    CanonicalRecord record = mapped(mapFixture("articulo.deactivated.json")).get(0);
    Product product = (Product) record.value();

    assertThat(record.key()).isEqualTo("ninox:demo:12345");
    assertThat(product.getActive()).isFalse();
    assertThat(product.getMetadata().getAction()).hasToString("DEACTIVATED");
    assertThat(product.getMetadata().getCompleteness()).hasToString("PARTIAL");
  }

  // Fails on main before this change: a complex snapshot's product had active null.
  @Test
  void aSnapshotIsOfAnActiveArticleUnlessItSaysOtherwise() {
    Product complex = (Product) mapped(mapFixture("articulo.complex.json")).get(0).value();
    String removed = "{\"articuloId\": 7, \"eliminado\": true, \"curva\": []}";
    Product removedComplex = (Product) mapped(mapper.map(TestEvents.raw("ninox", "ninox.webhook", removed))).get(0).value();

    assertThat(complex.getActive()).isTrue();
    assertThat(complex.getMetadata().getCompleteness()).hasToString("SNAPSHOT");
    assertThat(removedComplex.getActive()).isFalse();
  }

  // Fails on main before this change: the event id was a hash of the body, so a return to an
  // earlier state had the id of that earlier delivery and was dropped as a redelivery.
  @Test
  void eventIdsComeFromTheReceiptNeverFromTheContent() {
    MappingAssertions.eventIdsComeFromTheReceipt(mapper);
  }

  @Test
  void aPriceChangeIsAChangeOfContent() {
    assertThat(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 10}]"))).isNotEqualTo(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 11}]")));
  }

  @Test
  void trailingZerosDoNotChangeTheContent() {
    assertThat(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 2500.00}]"))).isEqualTo(fingerprints(map("[{\"articuloId\": 1, \"precio1\": 2500}]")));
  }

  @Test
  void objectWithoutArticleIdIsAnUnknownEvent() {
    CanonicalRecord record = mapped(map("{\"ping\": true}")).get(0);

    assertThat(((Event) record.value()).getEntityType()).isEqualTo("unknown");
  }

  @Test
  void malformedJsonIsAParseFailure() {
    assertThat(failed(map("[{\"articuloId\": 1")).step()).isEqualTo("parse");
    assertThat(failed(map("[] trailing")).step()).isEqualTo("parse");
  }

  @Test
  void wrongShapeIsAMapFailure() {
    assertThat(failed(map("12345")).reason()).isEqualTo("body should be a JSON object but is number");
    assertThat(failed(map("[]")).reason()).isEqualTo("article array is empty");
    assertThat(failed(map("[1, 2]")).reason()).isEqualTo("body[0] should be a JSON object but is number");
    assertThat(failed(map("[{\"codigo\": \"X\"}]")).reason()).isEqualTo("body[0].articuloId is missing");
  }
}
