"""
An MPPS SCU (Modality Performed Procedure Step, PS3.4 Annex F) written with python3-odil (Debian), a DICOM
stack independent of the archive's: N-CREATE and N-SET as a modality sends them.

Usage: /usr/bin/python3 mpps_scu.py '<json spec>'
  spec = {"port": 11112, "calling": "CT01", "called": "HOSP_ARCHIVE",
          "operations": [{"op": "create" | "set", "uid": "<MPPS SOP Instance UID>",
                          "dataset": {"<keyword>": "value" | ["v1", "v2"] | [{...item...}] | []}}]}
Prints the statuses as JSON: [{"op": "create", "status": 0}, ...]. odil's NCreateSCU is missing from its Python
API, so N-CREATE goes through Association.send_message (interop-peers.md section 1.3).
"""
import odil, sys, json
spec = json.loads(sys.argv[1])
MPPS = odil.registry.ModalityPerformedProcedureStep
def to_ds(d):
    ds = odil.DataSet()
    for k, v in d.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            ds.add(k, [to_ds(i) for i in v])
        elif isinstance(v, list) and not v:
            ds.add(k)
        else:
            vals = v if isinstance(v, list) else [v]
            if vals and isinstance(vals[0], int):
                ds.add(k, vals)
            else:
                ds.add(k, [x.encode('utf-8') for x in vals])
    return ds
a = odil.Association(); a.set_peer_host(spec.get('host', '127.0.0.1')); a.set_peer_port(spec['port'])
p = a.get_parameters(); p.set_calling_ae_title(spec['calling']); p.set_called_ae_title(spec['called'])
p.set_presentation_contexts([odil.AssociationParameters.PresentationContext(
    1, MPPS, [odil.registry.ExplicitVRLittleEndian, odil.registry.ImplicitVRLittleEndian],
    odil.AssociationParameters.PresentationContext.Role.SCU)])
a.set_parameters(p); a.associate()
out = []
for op in spec['operations']:
    ds = to_ds(op['dataset'])
    if op['op'] == 'create':
        req = odil.messages.NCreateRequest(a.next_message_id(), MPPS, ds); req.set_affected_sop_instance_uid(op['uid'])
    else:
        req = odil.messages.NSetRequest(a.next_message_id(), MPPS, op['uid'], ds)
    a.send_message(req, MPPS)
    rsp = odil.messages.Response(a.receive_message())
    out.append({'op': op['op'], 'status': rsp.get_status()})
a.release()
print(json.dumps(out))
