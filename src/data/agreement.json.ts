// Loader shim: the MedHELM clinician study (bundled ratings) and its agreement figures as JSON.
import {clinicianStudyFile} from "../../data-loaders/clinician-study.ts";

process.stdout.write(JSON.stringify(await clinicianStudyFile()));
