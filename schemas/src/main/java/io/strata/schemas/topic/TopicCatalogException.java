package io.strata.schemas.topic;

/** Topics could not be listed, created, described or altered on the cluster. */
public final class TopicCatalogException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the topic
     * @param cause the Admin client's failure
     */
    public TopicCatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
