package lat.pipeline.console;

import io.javalin.Javalin;
import java.time.Clock;
import java.util.Map;
import lat.pipeline.console.data.DeadLetters;
import lat.pipeline.console.data.Operations;
import lat.pipeline.console.data.Resolutions;
import lat.pipeline.console.data.Search;
import lat.pipeline.console.data.ServiceMetrics;
import lat.pipeline.console.data.TrafficMonitor;
import lat.pipeline.console.web.ConsoleApp;
import lat.pipeline.console.web.OperatorAuth;
import lat.pipeline.tools.RecordJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's composition root: Kafka clients, the traffic monitor, the web app; start and stop. */
public final class ConsoleService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleService.class);

  private final ConsoleConfig config;
  private final Clock clock = Clock.systemUTC();
  private Admin admin;
  private Resolutions resolutions;
  private TrafficMonitor traffic;
  private RecordJson json;
  private Operations operations;
  private Javalin app;

  public ConsoleService(ConsoleConfig config) {
    this.config = config;
  }

  public ConsoleService start() throws InterruptedException {
    admin = config.kafka().admin(Map.of(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    resolutions = Resolutions.start(admin, config.kafka(), config.resolvedTopic(), config.createTopics());
    traffic = new TrafficMonitor(config.kafka(), clock).start();
    json = new RecordJson(config.schemaRegistry());
    operations = new Operations(config.kafka(), config.schemaRegistry(), config.tenantSettings(), config.dedupeRetention(), resolutions, clock);
    app = ConsoleApp.create(new ConsoleApp.Parts(config, new OperatorAuth(config.operatorToken(), clock), traffic, new ServiceMetrics(),
        new DeadLetters(config.kafka(), admin, resolutions), new Search(config.kafka(), json),
        operations, json, clock));
    app.start(config.host(), config.port());
    LOG.info("Console on http://{}:{}/", config.host(), port());
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() throws Exception {
    if (app != null) {
      app.stop();
    }
    if (operations != null) {
      operations.close();
    }
    if (traffic != null) {
      traffic.close();
    }
    if (json != null) {
      json.close();
    }
    if (resolutions != null) {
      resolutions.close();
    }
    if (admin != null) {
      admin.close();
    }
  }
}
