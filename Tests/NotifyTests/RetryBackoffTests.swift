import Notify
import Testing

struct RetryBackoffTests {
    @Test func doublesFromTheBaseUpToTheCap() {
        let backoff = RetryBackoff(baseSeconds: 0.5, capSeconds: 10, jitter: 0)
        let delays = (1...8).map { backoff.delaySeconds(afterAttempt: $0, random: 0.7) }
        #expect(delays == [0.5, 1, 2, 4, 8, 10, 10, 10])
    }

    @Test func jitterAddsAtMostItsShareAndNeverPassesTheCap() {
        let backoff = RetryBackoff(baseSeconds: 1, capSeconds: 5, jitter: 0.1)
        #expect(backoff.delaySeconds(afterAttempt: 2, random: 0) == 2)
        #expect(abs(backoff.delaySeconds(afterAttempt: 2, random: 0.999_999) - 2.2) < 1e-5)
        #expect(backoff.delaySeconds(afterAttempt: 3, random: 0.99) == 4 * (1 + 0.1 * 0.99))
        #expect(backoff.delaySeconds(afterAttempt: 4, random: 0.99) == 5)
        // Out-of-range randoms are clamped; huge attempt numbers do not overflow.
        #expect(backoff.delaySeconds(afterAttempt: 1, random: 7) == 1.1)
        #expect(backoff.delaySeconds(afterAttempt: 10_000, random: 0) == 5)
    }
}
