# `sam build` (BuildMethod: makefile) calls one target per function; SAM builds them once, as they
# share CodeUri and metadata. The artifact is the shaded jar in lib/, where the Java runtime loads it.
FUNCTIONS_JAR := functions/target/reauth-functions.jar

build-StartReauthFunction build-CallbackFunction build-ReloadFunction build-ListAccountsFunction build-RefreshFunction build-WebFunction:
	JAVA_HOME="$$(infra/java-home)" ./mvnw -q -B -DskipTests -pl functions -am package
	mkdir -p "$(ARTIFACTS_DIR)/lib"
	cp $(FUNCTIONS_JAR) "$(ARTIFACTS_DIR)/lib/"
