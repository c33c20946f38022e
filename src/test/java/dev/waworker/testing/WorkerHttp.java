package dev.waworker.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** HTTP requests to a worker on this machine: its actuator, its metrics, the simulator's phone endpoints. */
public final class WorkerHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WorkerHttp() {
    }

    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(request(port, path).build());
    }

    /** The HTTP status of the worker's readiness probe: 200 ready, 503 not. */
    public static int readiness(int port) throws IOException, InterruptedException {
        return get(port, "/actuator/health/readiness").statusCode();
    }

    /** A POST without a body. */
    public static HttpResponse<String> post(int port, String path) throws IOException, InterruptedException {
        return send(request(port, path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    public static HttpResponse<String> postJson(int port, String path, String json)
            throws IOException, InterruptedException {
        return send(request(port, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
