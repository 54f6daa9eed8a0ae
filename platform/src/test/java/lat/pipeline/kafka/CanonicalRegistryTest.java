package lat.pipeline.kafka;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import lat.pipeline.schemas.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CanonicalRegistryTest {

  private final WireMockServer registry = new WireMockServer(wireMockConfig().dynamicPort());

  @BeforeEach
  void start() {
    registry.start();
    registry.stubFor(post(urlPathMatching("/apis/ccompat/v7/subjects/.*/versions"))
        .willReturn(aResponse().withStatus(200).withBody("{\"id\":1}")));
  }

  @AfterEach
  void stop() {
    registry.stop();
  }

  // Fails on main before this change: two replicas starting together both create the subject's
  // compatibility rule; the registry answers the later one 409 ("rule COMPATIBILITY already
  // exists") and that replica failed its start-up although the rule it wanted is in place.
  @Test
  void aCompatibilityRuleCreatedByAnotherInstanceAtTheSameMomentIsSetAgainNotAFailure() {
    registry.stubFor(put(urlMatching("/apis/ccompat/v7/config/.*")).inScenario("race")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(409).withBody("{\"error_code\":409,\"message\":\"rule COMPATIBILITY already exists\"}"))
        .willSetStateTo("rule exists"));
    registry.stubFor(put(urlMatching("/apis/ccompat/v7/config/.*")).inScenario("race")
        .whenScenarioStateIs("rule exists")
        .willReturn(aResponse().withStatus(200).withBody("{\"compatibility\":\"BACKWARD\"}")));

    assertThatCode(() -> new CanonicalRegistry(registry.baseUrl()).registerCanonicalSchemas()).doesNotThrowAnyException();
    registry.verify(Topics.CANONICAL.size() + 1, putRequestedFor(urlMatching("/apis/ccompat/v7/config/.*")));
  }

  @Test
  void aRuleTheRegistryKeepsRefusingStillFailsStartUp() {
    registry.stubFor(put(urlMatching("/apis/ccompat/v7/config/.*"))
        .willReturn(aResponse().withStatus(409).withBody("{\"error_code\":409}")));

    assertThatThrownBy(() -> new CanonicalRegistry(registry.baseUrl()).registerCanonicalSchemas())
        .isInstanceOf(IOException.class).hasMessageContaining("409");
  }
}
