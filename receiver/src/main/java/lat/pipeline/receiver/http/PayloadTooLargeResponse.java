package lat.pipeline.receiver.http;

import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;

final class PayloadTooLargeResponse extends HttpResponseException {
  PayloadTooLargeResponse(int limit) {
    super(HttpStatus.CONTENT_TOO_LARGE.getCode(), "The body is larger than the limit of " + limit + " bytes");
  }
}
