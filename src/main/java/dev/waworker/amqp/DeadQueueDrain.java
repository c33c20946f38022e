package dev.waworker.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitOperations;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

/**
 * Empties a dead worker's queue into the {@link CommandListener}, which routes each command again as if it had just
 * arrived (handled here, forwarded to its number's live owner, or answered), then deletes the queue:
 *
 * <ol>
 *   <li>consumes the queue as its <em>exclusive</em> consumer: the broker refuses that while anyone else consumes
 *       it, so two survivors never drain one queue at once (their commands would be routed in two orders), and a
 *       worker that still consumes its queue (alive, only cut off from the database) keeps it;</li>
 *   <li>waits until no command is left ready, then cancels its consumer; the client hands the cancellation over
 *       only after every delivery before it, so from then on every command taken is known;</li>
 *   <li>waits until every command taken is settled (acknowledged once handled or forwarded);</li>
 *   <li>deletes the queue only if it is still unused and empty ({@code if-unused}, {@code if-empty}) and its
 *       worker still silent: a command that arrived meanwhile, or another consumer, leaves it for the next
 *       round. A queue is never deleted with a command in it or in someone's hands.</li>
 * </ol>
 */
final class DeadQueueDrain {

    /** What became of one dead worker's queue. */
    sealed interface Result {

        /** Every command in it was routed again, then it was deleted. */
        record Removed(int commands) implements Result {
        }

        /** There is no such queue (deleted before, or expired). */
        record Gone() implements Result {
        }

        /** Someone else consumes it: its worker, alive after all, or another survivor draining it. */
        record Busy() implements Result {
        }

        /** Left for the next round, after routing {@code commands} of its commands again, because {@code why}. */
        record Unfinished(int commands, String why) implements Result {
        }
    }

    private static final Duration POLL = Duration.ofMillis(100);

    private final RabbitOperations rabbit;
    private final CommandListener listener;
    private final int prefetch;
    /** How long one drain may take before it leaves the rest for the next round. */
    private final Duration patience;
    private final AbsentContentTypeKeepingConverter converter = new AbsentContentTypeKeepingConverter();

    DeadQueueDrain(RabbitOperations rabbit, CommandListener listener, int prefetch, Duration patience) {
        this.rabbit = rabbit;
        this.listener = listener;
        this.prefetch = prefetch;
        this.patience = patience;
    }

    /** @param stillDead asked just before the queue is deleted: whether its worker is still silent */
    Result drain(String queue, BooleanSupplier stillDead) {
        return rabbit.execute(channel -> {
            try {
                return drainOn(channel, queue, stillDead);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result.Unfinished(0, "this worker is stopping");
            }
        });
    }

    private Result drainOn(Channel channel, String queue, BooleanSupplier stillDead)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        try {
            channel.queueDeclarePassive(queue);
        } catch (IOException e) {
            if (BrokerRefusal.is(e, AMQP.NOT_FOUND)) {
                return new Result.Gone();
            }
            throw e;
        }
        channel.basicQos(prefetch);
        Taker taker = new Taker(channel, queue);
        String consumerTag;
        try {
            consumerTag = channel.basicConsume(queue, false, "", false, true, null, taker);
        } catch (IOException e) {
            if (BrokerRefusal.is(e, AMQP.ACCESS_REFUSED)) {
                return new Result.Busy();
            }
            throw e;
        }
        while (!taker.heldBack.get() && channel.queueDeclarePassive(queue).getMessageCount() > 0
                && System.nanoTime() < deadline) {
            Thread.sleep(POLL);
        }
        channel.basicCancel(consumerTag);
        boolean allTaken = taker.cancelled.await(remaining(deadline), TimeUnit.NANOSECONDS);
        boolean allSettled = allTaken && settled(taker.taken, deadline);
        int commands = taker.taken.size();
        if (taker.heldBack.get()) {
            return new Result.Unfinished(commands, "this worker is stopping");
        }
        if (!allSettled) {
            return new Result.Unfinished(commands, "its commands were not all settled within " + patience);
        }
        if (!stillDead.getAsBoolean()) {
            return new Result.Unfinished(commands, "its worker is alive again");
        }
        try {
            channel.queueDelete(queue, true, true);
        } catch (IOException e) {
            if (BrokerRefusal.is(e, AMQP.PRECONDITION_FAILED)) {
                return new Result.Unfinished(commands, "a command or a consumer arrived meanwhile");
            }
            throw e;
        }
        return new Result.Removed(commands);
    }

    private static boolean settled(List<CompletableFuture<Void>> taken, long deadline) throws InterruptedException {
        try {
            CompletableFuture.allOf(taken.toArray(CompletableFuture[]::new))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            return true; // settled, some of them by a failure the listener dealt with (dead-lettered, handed back)
        } catch (TimeoutException e) {
            return false;
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Hands each delivery to the listener and remembers what became of it. */
    private final class Taker extends DefaultConsumer {

        final List<CompletableFuture<Void>> taken = new CopyOnWriteArrayList<>();
        final AtomicBoolean heldBack = new AtomicBoolean();
        final CountDownLatch cancelled = new CountDownLatch(1);
        private final String queue;

        Taker(Channel channel, String queue) {
            super(channel);
            this.queue = queue;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                byte[] body) {
            MessageProperties read = converter.toMessageProperties(properties, envelope,
                    StandardCharsets.UTF_8.name());
            read.setConsumerQueue(queue);
            read.setConsumerTag(consumerTag);
            listener.take(new Message(body, read), getChannel())
                    .ifPresentOrElse(taken::add, () -> heldBack.set(true));
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            cancelled.countDown();
        }

        @Override
        public void handleCancel(String consumerTag) {
            cancelled.countDown();
        }
    }
}
