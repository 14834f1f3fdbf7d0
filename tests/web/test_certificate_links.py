"""Absolute links (trainer/links.py) on the downloaded certificate: PUBLIC_URL when set, else the request's
address with one warning; the QR code and the printed address agree, and the verify page answers the code."""

import io
import logging

import zxingcpp
from pypdf import PdfReader

from tests.services.test_hours_report import pdf_text
from tests.web.test_certification_web import certified, login
from trainer.certification import services


def qr_codes(body: bytes) -> list[str]:
    return [b.text for image in PdfReader(io.BytesIO(body)).pages[0].images for b in zxingcpp.read_barcodes(image.image)]


def test_certificate_links_use_the_public_url(app, client, people, content, tmp_path):
    from tests.services.test_certification import import_with_qualification

    import_with_qualification(tmp_path)
    grant = certified(people["trainee_east"])
    app.config["PUBLIC_URL"] = "https://train.example.internal/portal/"
    login(client, "trainee_east")
    body = client.get(f"/certificates/{grant.id}.pdf").data
    expected = f"https://train.example.internal/portal/verify/{grant.code}"
    assert qr_codes(body) == [expected]
    assert expected in pdf_text(body)
    # The address the QR code opens (less the public prefix) shows the grant.
    page = client.get(f"/verify/{grant.code}")
    assert page.status_code == 200 and "测试柜台上岗资格" in page.get_data(as_text=True)
    assert services.format_code(grant.code) in pdf_text(body)


def test_without_public_url_the_request_host_is_used_with_one_warning(app, client, people, content, tmp_path, caplog):
    from tests.services.test_certification import import_with_qualification

    import_with_qualification(tmp_path)
    grant = certified(people["trainee_east"])
    app.config["PUBLIC_URL"] = ""
    login(client, "trainee_east")
    with caplog.at_level(logging.WARNING, logger="trainer.links"):
        first = client.get(f"/certificates/{grant.id}.pdf", base_url="http://127.0.0.1:5101").data
        client.get(f"/certificates/{grant.id}.pdf", base_url="http://127.0.0.1:5101")
    assert qr_codes(first) == [f"http://127.0.0.1:5101/verify/{grant.code}"]
    warnings = [r for r in caplog.records if "PUBLIC_URL is not set" in r.getMessage()]
    assert len(warnings) == 1
