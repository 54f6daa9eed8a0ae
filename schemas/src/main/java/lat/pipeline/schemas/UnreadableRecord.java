package lat.pipeline.schemas;

/**
 * Why a record is not in its topic's format; the message is safe to log and to put in a dead
 * letter (it names what is missing or wrong, never the record's content).
 */
public class UnreadableRecord extends Exception {
  public UnreadableRecord(String message) {
    super(message, null, false, false);
  }
}
