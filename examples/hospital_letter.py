"""A hospital checks a letter a patient brought (a Rekomendasi SKTM, say) by the code in its QR.

    SIMPUL_URL=http://127.0.0.1:8080 python3 examples/hospital_letter.py <code or verification URL>

No key is needed: `verifyLetter` is public and answers only what the letter itself shows (office, number, date,
subject and the applicant's name, masked), and whether the office issued it.
"""

import sys

from simpul_client import graphql

VERIFY = """
query($code: String!) {
  verifyLetter(code: $code) { valid message office number issuedOn subject }
}"""


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    # The QR holds the verification URL; its last part is the code.
    code = sys.argv[1].rstrip("/").rsplit("/", 1)[-1]
    letter = graphql(VERIFY, {"code": code})["verifyLetter"]
    if not letter["valid"]:
        print(f"NOT VALID: {letter['message']}")
        sys.exit(1)
    print(f"valid: {letter['subject']} {letter['number']} of {letter['issuedOn']}, {letter['office']}")
    print(letter["message"])


if __name__ == "__main__":
    main()
