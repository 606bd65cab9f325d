// Loader shim: the MedHELM clinician study (bundled ratings) and its agreement figures as JSON.
import {clinicianStudyFile} from "../../data-loaders/clinician-study.ts";
import {runLoader} from "../../data-loaders/site/loader-cache.ts";

await runLoader("data/agreement.json", async () => JSON.stringify(await clinicianStudyFile()));
