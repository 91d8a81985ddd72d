"""Redaction of CPR numbers, e-mail addresses and Danish phone numbers, and what it must leave alone."""

from __future__ import annotations

import pytest

from records.redact import redact, redact_json


@pytest.mark.parametrize("text, expected", [
    ("Mit CPR-nummer er 010190-1234.", "Mit CPR-nummer er [cpr]."),
    ("cpr 0101901234 tak", "cpr [cpr] tak"),
    ("CPR: 311299 1234", "CPR: [cpr]"),
    ("290204-4321 er født i skudår", "[cpr] er født i skudår"),
    ("nr. 150875 – 2223", "nr. [cpr]"),
    ("(150875-2223)", "([cpr])"),
    ("to personer: 010190-1234 og 020291-5678", "to personer: [cpr] og [cpr]"),
])
def test_cpr_numbers_are_redacted(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "320190-1234",  # no 32nd day
    "011390-1234",  # no 13th month
    "000190-1234",  # no day 0
    "010090-1234",  # no month 0
    "310490-1234",  # April has 30 days
    "300290-1234",  # nor February 30
    "01019012345",  # eleven digits: not a CPR number
    "sag 1010190-1234",  # seven digits before the dash
])
def test_numbers_that_only_look_like_cpr_stay(text: str):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("Skriv til anna.hansen@kk.dk, tak", "Skriv til [e-mail], tak"),
    ("søren_ø+leder@mail.region-nord.dk.", "[e-mail]."),
    ("<Jens.Jensen@Example.COM>", "<[e-mail]>"),
    ("a@b.dk og c@d.org", "[e-mail] og [e-mail]"),
])
def test_email_addresses_are_redacted(text: str, expected: str):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["@brobygger hvad er krydspres?", "mødet er @ 10", "en@-adresse", "navn@server"])
def test_an_at_sign_without_an_address_stays(text: str):
    assert redact(text) == text


@pytest.mark.parametrize("number", [
    "12345678", "12 34 56 78", "1234 5678", "12-34-56-78", "12.34.56.78",
    "+45 12 34 56 78", "+4512345678", "+45 1234 5678", "0045 12345678", "0045 12 34 56 78", "(+45) 12 34 56 78",
    "+45-12345678", "87 65 43 21",
])
def test_danish_phone_numbers_are_redacted(number: str):
    assert redact(f"Ring på {number} i morgen") == "Ring på [telefon] i morgen"
    assert redact(f"tlf.: {number}.") == "tlf.: [telefon]."


@pytest.mark.parametrize("text", [
    "I 2024 havde vi 3 ledere og 12 medarbejdere.",
    "i perioden 2023-2024",
    "fra 2019 til 2024",
    "i 2023 2024 og 2025",
    "45 % af lederne, 12,5 procent",
    "budgettet er 1.250.000 kr.",
    "budgettet er 12 500 000 kr.",
    "et tilskud på 25000000 kr",
    "25000000 %",
    "§ 17, stk. 4, jf. afsnit 3.2.1",
    "kapitel 12 side 145",
    "mødet 12.05.2024 kl. 10.30-12.00",
    "den 24-12-2024",
    "8000 Aarhus C",
    "Version 1.2.3.4",
    "id 123456789",  # nine digits
    "sagsnr. 2024-123456",
    "x12345678",  # inside a word
    "ab12 34 56 78cd",
])
def test_ordinary_numbers_stay(text: str):
    assert redact(text) == text


def test_a_message_with_all_three_keeps_its_other_words():
    text = "Jeg hedder Ida, CPR 010190-1234, mail ida@kommune.dk, tlf. 20 30 40 50. Hvad er krydspres?"
    assert redact(text) == "Jeg hedder Ida, CPR [cpr], mail [e-mail], tlf. [telefon]. Hvad er krydspres?"


def test_text_without_digits_or_at_signs_is_returned_as_it_is():
    text = "Hvordan håndterer ledere krydspres?"
    assert redact(text) is text


def test_redact_json_redacts_every_string_and_keeps_the_rest():
    event = {"event": "user", "text": "ring 12345678", "timestamp": 1700000000.5, "message_id": "1234567890abcdef12345678",
             "parse_data": {"text": "ring 12345678", "intent": {"name": "ask_question", "confidence": 0.9},
                            "entities": [{"value": "a@b.dk"}]},
             "metadata": None, "flags": [True, 3, "010190-1234"]}
    out = redact_json(event)
    assert out["text"] == out["parse_data"]["text"] == "ring [telefon]"
    assert out["parse_data"]["entities"][0]["value"] == "[e-mail]"
    assert out["flags"] == [True, 3, "[cpr]"]
    assert out["timestamp"] == 1700000000.5 and out["metadata"] is None
    assert out["message_id"] == event["message_id"]  # an id's digits are not a phone number
    assert out["parse_data"]["intent"] == event["parse_data"]["intent"]
