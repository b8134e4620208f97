"""Copies of pydicom's sample files, each with a new SOP Instance UID (and study/series/patient of its own).

usage: python3 make-files.py <spec.json>   spec: {"out": dir, "sets": [{"name", "files", "dirs"}], "samples": [...],
                                                  "instancesPerStudy": n, "seed": n}
Writes <out>/<set>/<k>/<i>.dcm and prints a JSON summary (files and bytes per set, studies with their
PatientID, StudyDate and StudyInstanceUID). Run by bench/archive-ingest/run.ts with Debian's python3-pydicom.
"""
import json
import os
import sys

import pydicom
from pydicom.uid import generate_uid

spec = json.loads(sys.argv[1])
samples = [pydicom.dcmread(p) for p in spec["samples"]]
per_study = spec["instancesPerStudy"]
summary = {"sets": []}
for s in spec["sets"]:
    root = os.path.join(spec["out"], s["name"])
    studies = []
    total = 0
    for i in range(s["files"]):
        k = i % s["dirs"]
        d = os.path.join(root, str(k))
        os.makedirs(d, exist_ok=True)
        n = i // per_study
        if i % per_study == 0:
            study = {
                "patientId": f"BENCH{s['name'].upper()}{n:04d}",
                "studyDate": f"202601{(n % 28) + 1:02d}",
                "studyInstanceUid": generate_uid(),
                "series": [generate_uid(), generate_uid()],
            }
            studies.append(study)
        ds = samples[i % len(samples)]
        ds.PatientID = study["patientId"]
        ds.PatientName = f"BENCH^{s['name'].upper()}^{n:04d}"
        ds.StudyDate = study["studyDate"]
        ds.StudyInstanceUID = study["studyInstanceUid"]
        ds.SeriesInstanceUID = study["series"][i % 2]
        ds.AccessionNumber = f"B{s['name'].upper()}{n:05d}"
        uid = generate_uid()
        ds.SOPInstanceUID = uid
        ds.file_meta.MediaStorageSOPInstanceUID = uid
        f = os.path.join(d, f"{i:06d}.dcm")
        ds.save_as(f, write_like_original=False)
        total += os.path.getsize(f)
    summary["sets"].append({"name": s["name"], "files": s["files"], "bytes": total, "studies": [
        {k: v for k, v in st.items() if k != "series"} | {"seriesInstanceUid": st["series"][0]} for st in studies]})
print(json.dumps(summary))
