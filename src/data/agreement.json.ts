// Loader shim: the MedHELM clinician study (bundled ratings) with its agreement figures, and the
// study of the site's own runs when the configuration names completed rating sheets.
import {clinicianStudyFile, ownClinicianStudy} from "../../data-loaders/clinicians/agreement-page.ts";
import {runLoader} from "../../data-loaders/site/loader-cache.ts";

await runLoader("data/agreement.json", async () => {
  const paper = await clinicianStudyFile();
  const own = await ownClinicianStudy({cwd: process.cwd(), env: process.env});
  return JSON.stringify({...paper, own});
});
