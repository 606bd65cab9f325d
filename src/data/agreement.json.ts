// Loader shim: the MedHELM clinician study (bundled ratings) with its agreement figures, and the
// study of the site's own runs when the configuration names completed rating sheets.
import {clinicianStudyFile, ownClinicianStudy} from "../../data-loaders/clinician-study.ts";

const paper = await clinicianStudyFile();
const own = await ownClinicianStudy({cwd: process.cwd(), env: process.env});
process.stdout.write(JSON.stringify({...paper, own}));
