"""A village system (SIKS desa) submits an application for a resident with its API key, then tracks it.

    SIMPUL_URL=http://127.0.0.1:8080 SIMPUL_API_KEY=spl_… python3 examples/village_system.py

The key is one the office's admin created for the village (`createApiKey` with `scopes: [WRITE]`,
`roles: ["operator_desa"]` and the village's `area`); the office is the key's, so no `tenant` is sent.
"""

from simpul_client import SimpulError, graphql, need

SUBMIT = """
mutation($input: SubmitApplicationInput!) {
  submitApplication(input: $input) { id trackingCode status stepName area { name } }
}"""

TRACK = """
query($code: String!, $nik: String!) {
  trackApplication(trackingCode: $code, nik: $nik) { service status stepName serviceDeadline { dueAt } }
}"""

RESIDENT = {
    "nama": "Andi Rahman",
    "nik": "7324011203800002",
    "no_kk": "7324010101150003",
    "alamat": "Dusun I",
    "desa_kelurahan": "73.24.04.1003",
    "pengiriman": "whatsapp",
    "nomor_whatsapp": "081234567890",
    # The resident agreed to receive the letter and news of the application at that number.
    "setuju_dihubungi": True,
}


def main():
    key = need("SIMPUL_API_KEY")
    submission = {
        "service": "surat-keterangan-dtks",
        "data": RESIDENT,
        "channel": "DARING",
        # The operator looked the resident up in SIKS-NG before submitting.
        "facts": [{"fact": "dtks_terdaftar", "value": True}],
        # Sending the same key again returns the same application instead of a second one.
        "idempotencyKey": "siks-malili-2026-000123",
    }
    try:
        application = graphql(SUBMIT, {"input": submission}, key)["submitApplication"]
    except SimpulError as error:
        # VALIDATION names each field: extensions.fields = [{path, message}].
        for field in error.fields:
            print(f"  {field['path']}: {field['message']}")
        raise
    print(f"submitted: {application['trackingCode']} ({application['area']['name']}), "
          f"now {application['stepName']}")
    # Tracking needs no key: the tracking code and the applicant's NIK together, as the resident would.
    tracked = graphql(TRACK, {"code": application["trackingCode"], "nik": RESIDENT["nik"]})["trackApplication"]
    print(f"tracked: {tracked['status']} at {tracked['stepName']}")


if __name__ == "__main__":
    main()
