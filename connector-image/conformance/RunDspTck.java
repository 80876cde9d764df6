import java.io.FileReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the DSP TCK's test classes on the JUnit platform, as the TCK's own launcher (dsp-tck, not
 * resolvable here) would: the configuration file's entries become JUnit configuration parameters and
 * system properties (the TCK reads either), and the TCK system's launcher class is the default one.
 * Prints one machine-readable line per case, "TCK-CASE<TAB>status<TAB>display name<TAB>message",
 * which summarize.mjs reads. Exits 0 once every case has run, whatever the outcome; 2 on bad usage.
 *
 * Usage: java -cp 'tck-lib/*' RunDspTck.java tck.properties [display-name regex]
 */
public class RunDspTck {
    private static final List<String> PACKAGES = List.of(
            "org.eclipse.dataspacetck.dsp.verification.catalog",
            "org.eclipse.dataspacetck.dsp.verification.cn",
            "org.eclipse.dataspacetck.dsp.verification.tp");

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java -cp 'tck-lib/*' RunDspTck.java <tck.properties> [display-name regex]");
            System.exit(2);
        }
        var properties = new Properties();
        try (var reader = new FileReader(args[0])) {
            properties.load(reader);
        }
        Map<String, String> config = new HashMap<>();
        properties.forEach((key, value) -> config.put((String) key, (String) value));
        config.putIfAbsent("dataspacetck.launcher", "org.eclipse.dataspacetck.dsp.system.DspSystemLauncher");
        config.forEach(System::setProperty);

        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(PACKAGES.stream().map(DiscoverySelectors::selectPackage).toList())
                .filters(ClassNameFilter.includeClassNamePatterns(".*Test"))
                .configurationParameters(config);
        if (args.length == 2) {
            var only = Pattern.compile(args[1]);
            request.filters((PostDiscoveryFilter) descriptor -> !descriptor.isTest() || only.matcher(descriptor.getDisplayName()).find()
                    ? FilterResult.included("selected")
                    : FilterResult.excluded("not selected by " + args[1]));
        }

        var launcher = LauncherFactory.create();
        launcher.execute(request.build(), new CaseReporter());
    }

    /** One line per test case; containers only when they fail, since their failure fails their cases. */
    private static final class CaseReporter implements TestExecutionListener {
        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) report("SKIPPED", id, reason);
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            var message = result.getThrowable().map(RunDspTck::describe).orElse("");
            if (id.isTest()) {
                report(result.getStatus().name(), id, message);
            } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                report("CONTAINER_" + result.getStatus().name(), id, message);
            }
        }

        private static void report(String status, TestIdentifier id, String message) {
            System.out.println("TCK-CASE\t" + status + "\t" + oneLine(id.getDisplayName()) + "\t" + oneLine(message));
            System.out.flush();
        }
    }

    private static String describe(Throwable error) {
        var text = new StringBuilder(error.getClass().getSimpleName() + ": " + error.getMessage());
        var cause = error.getCause();
        for (int depth = 0; cause != null && depth < 5; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }
}
