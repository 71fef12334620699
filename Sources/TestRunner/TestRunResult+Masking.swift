import Processes
import Sharding

/// A run's results with the values of its config vars (app.json's test environment, generated secrets)
/// masked, before anything stores or prints them: a test that prints its environment must not put a secret
/// in an output tail, a test-run page or the API.
extension TestSuiteConfiguration {
    /// Masks every config var value the run's processes receive (the CI variables Slipway adds are not secrets).
    var secretMasker: SecretMasker { SecretMasker(environment.values) }
}

extension SecretMasker {
    func apply(_ file: FileResult) -> FileResult {
        var masked = file
        masked.failure = file.failure.map(apply)
        masked.cases = file.cases.map { testCase in
            var maskedCase = testCase
            maskedCase.message = testCase.message.map(apply)
            return maskedCase
        }
        return masked
    }

    func apply(_ error: TestRunError) -> TestRunError {
        var masked = error
        masked.message = apply(error.message)
        masked.outputTail = error.outputTail.map(apply)
        return masked
    }
}
