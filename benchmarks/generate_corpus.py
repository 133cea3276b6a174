"""Deterministic generator of realistic Russian news articles about the INNOPROM exhibitions
(issue 5), in the seeds' file format, plus questions whose answer is known.

A corpus of size N is the five real seed articles (byte for byte) followed by N − 5 generated
ones.  Generated articles rewrite and recombine the seeds' sentences around a generated but
consistent *world*:

* a series of exhibitions (ИННОПРОМ in Yekaterinburg, Minsk, Tashkent, Astana, Ulaanbaatar,
  Riyadh) year after year, each with its own dates, visitors, exhibitors, countries and area;
* the Russian federal subjects and Belarusian oblasts of ``knowledge/data/gazetteer.json``,
  inflected with pymorphy3, each with one generated head (governor, head of republic,
  chairman of the oblast executive committee) — the seeds' four heads are kept;
* companies (ОАО «…», ООО «…», …) with a home region, a city, products and a director, a
  new pair introduced by almost every article and older ones mentioned again, so the
  vocabulary, the people and the facts grow with the corpus like a real press archive;
* agreements (a pair of companies, a kind, a subject with numbers) and trade figures
  (region × year).

Every fact is stated the same way wherever it appears (the world is consistent), so a
question about it has a known answer: the questions JSONL carries, for each, the expected
substrings taken from a specific generated sentence (``eval`` format plus ``kind`` and the
article), e.g. «Кто губернатор Омской области?» → the generated name in any case.

Article ``i`` depends only on the seed and ``i`` (and the world, which is built the same way
every time), so a smaller corpus is a prefix of a larger one.

    .venv/bin/python benchmarks/generate_corpus.py --size 1000 --out benchmarks/out/corpus-1000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GAZETTEER = ROOT / "knowledge" / "data" / "gazetteer.json"
GENERATOR_VERSION = 2
DEFAULT_SEED = 2025
DEFAULT_QUESTIONS = 200

# ============================================================================ morphology

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
MONTHS_GEN = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _cap_like(src: str, word: str) -> str:
    if src[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@cache
def inflect_word(word: str, case: str, prefer: str = "") -> str:
    """One word in ``case`` (pymorphy3), capitalisation kept; unchanged when impossible."""
    if "-" in word:
        head, _, tail = word.rpartition("-")
        if "-на-" in word:  # Ростов-на-Дону → Ростове-на-Дону
            first, _, rest = word.partition("-")
            return f"{inflect_word(first, case, prefer)}-{rest}"
        return f"{head}-{inflect_word(tail, case, prefer)}"
    parses = _morph().parse(word.lower())
    if prefer:
        parses = [p for p in parses if prefer in p.tag] or parses
    form = parses[0].inflect({case})
    return _cap_like(word, form.word) if form else word


def inflect_phrase(phrase: str, case: str) -> str:
    """A region or city name in ``case``: «Республика X» inflects only its first word;
    parenthesised parts and everything after a dash of «Республика …» stay as they are."""
    if case == "nomn":
        return phrase
    words = phrase.split(" ")
    if words[0] == "Республика":
        return " ".join([inflect_word(words[0], case), *words[1:]])
    out = []
    for w in words:
        if w in ("—", "-") or w.startswith("("):
            out.append(w)
        else:
            out.append(inflect_word(w, case, "Geox" if w[:1].isupper() else ""))
    return " ".join(out)


def gen_count(n: int, sg: str, pl: str) -> str:
    """Genitive after a number («более 21 компании», «более 25 компаний»)."""
    return sg if n % 10 == 1 and n % 100 != 11 else pl


def past(verb: str, female: bool) -> str:
    """Masculine past tense → feminine when needed («отметил» → «отметила»)."""
    if not female:
        return verb
    if verb.endswith("ся"):
        return verb[:-2] + "ась"
    return verb + "а"


# ============================================================================ people

MALE_NAMES = (
    "Александр", "Алексей", "Анатолий", "Андрей", "Антон", "Аркадий", "Артем", "Борис",
    "Вадим", "Валентин", "Валерий", "Василий", "Виктор", "Виталий", "Владимир", "Владислав",
    "Вячеслав", "Геннадий", "Георгий", "Глеб", "Григорий", "Даниил", "Денис", "Дмитрий",
    "Евгений", "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Леонид", "Максим",
    "Марат", "Михаил", "Никита", "Николай", "Олег", "Павел", "Петр", "Роман", "Руслан",
    "Семен", "Сергей", "Станислав", "Степан", "Тимур", "Федор", "Филипп", "Эдуард", "Юрий",
    "Ярослав",
)
FEMALE_NAMES = (
    "Алла", "Анастасия", "Анна", "Валентина", "Вера", "Виктория", "Галина", "Дарья",
    "Екатерина", "Елена", "Ирина", "Лариса", "Людмила", "Марина", "Мария", "Надежда",
    "Наталья", "Нина", "Оксана", "Ольга", "Светлана", "Татьяна", "Юлия",
)
SURNAME_ROOTS = (
    "Бел", "Бор", "Вол", "Гал", "Гром", "Дер", "Жел", "Зар", "Кос", "Лев", "Мир", "Нов", "Ост",
    "Пет", "Рад", "Сав", "Тим", "Фед", "Хом", "Шев", "Ярош", "Гриш", "Левк", "Кравц", "Мельн",
    "Ковал", "Ткач", "Гончар", "Бондар", "Кузьм", "Мартын", "Степан", "Остап", "Демид",
    "Прокоп", "Тарас", "Макар", "Лукаш", "Марц", "Клим", "Сидор", "Карп", "Лавр", "Панкрат",
    "Савел", "Трофим", "Устин", "Филат", "Харит", "Яким", "Бурак", "Дуд", "Жук", "Каз",
    "Кул", "Лис", "Мороз", "Нест", "Павл", "Рогач", "Сем", "Сок", "Троц", "Шум", "Щерб",
    "Ворон", "Голуб", "Журавл", "Зайц", "Комар", "Лебед", "Медвед", "Орл", "Сорок", "Чиж",
    "Шишк", "Пух", "Дроздов", "Гусак", "Бобр", "Ерш", "Карас", "Сом", "Щук", "Галк",
    "Акул", "Баран", "Бык", "Венед", "Гаврил", "Глух", "Горб", "Дорош", "Евдок", "Ермол",
    "Жар", "Звер", "Игнат", "Исак", "Калин", "Клоч", "Корн", "Крут", "Лапт", "Лобан", "Мазур",
    "Моис", "Назар", "Осип", "Пахом", "Пыж", "Рубц", "Сазон", "Север", "Сыч", "Тимош",
    "Ушак", "Фрол", "Хвост", "Цыбул", "Чеп", "Шаповал", "Шест", "Юрк", "Ясин", "Авдей",
    "Бажен", "Вихр", "Гнед", "Домбр", "Ефрем", "Журб", "Зубар", "Карпин", "Кондрат", "Лукин",
    "Малаш", "Нечай", "Оникий", "Плеш", "Радзив", "Скоб", "Толочк", "Уланов", "Хомич",
)
SURNAME_MIDDLES = ("", "", "", "", "ан", "ен", "ин", "ач", "ел", "ор", "ик", "ус", "ов", "ар",
                   "ен", "ыш", "ох", "ян", "ул")
SURNAME_SUFFIXES = ("ов", "ов", "ин", "енко", "ук", "ович", "чик", "ский", "ич", "ко")
_HISSING = "жшчщц"


@dataclass(frozen=True)
class Person:
    first: str
    surname: str
    female: bool

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"

    def form(self, case: str) -> str:
        if case == "nomn":
            return self.name
        first = inflect_word(self.first, case, "Name")
        return f"{first} {surname_form(self.surname, self.female, case)}"

    def forms(self) -> list[str]:
        """The full name in every case, for expectations."""
        return list(dict.fromkeys(self.form(c) for c in CASES))

    def verb(self, masculine: str) -> str:
        return past(masculine, self.female)


def surname_form(surname: str, female: bool, case: str) -> str:
    """Russian/Belarusian surname declension for the endings the generator produces."""
    if case == "nomn":
        return surname
    if surname.endswith(("енко", "ко", "ых", "их")):
        return surname
    if female:
        if surname.endswith("ская") or surname.endswith("цкая"):
            return surname[:-2] + ("ую" if case == "accs" else "ой")
        if surname.endswith(("ова", "ева", "ина", "ына")):
            return surname[:-1] + ("у" if case == "accs" else "ой")
        return surname  # consonant-final women's surnames do not decline
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + {"gent": "ого", "accs": "ого", "datv": "ому", "ablt": "им",
                               "loct": "ом"}[case]
    if surname.endswith(("ов", "ев", "ин", "ын")):
        return surname + {"gent": "а", "accs": "а", "datv": "у", "ablt": "ым", "loct": "е"}[case]
    soft = surname[-1] in _HISSING
    return surname + {"gent": "а", "accs": "а", "datv": "у", "ablt": "ем" if soft else "ом",
                      "loct": "е"}[case]


def make_surname(rng: random.Random, female: bool) -> str:
    root = rng.choice(SURNAME_ROOTS)
    middle = rng.choice(SURNAME_MIDDLES)
    suffix = rng.choice(SURNAME_SUFFIXES)
    if suffix in ("ович", "ич", "енко", "ко", "чик"):
        middle = ""
    stem = root + middle
    if suffix == "ов" and stem[-1] in _HISSING:
        suffix = "ев"
    if suffix == "ов" and stem.endswith("ов"):
        suffix = "ин"
    if suffix == "ский" and stem[-1] in "кгхцчшщж":
        suffix = "ович"
    surname = stem + suffix
    if female:
        if surname.endswith(("ов", "ев", "ин")):
            surname += "а"
        elif surname.endswith("ский"):
            surname = surname[:-2] + "ая"
    return surname


def make_person(rng: random.Random, female_share: float = 0.25) -> Person:
    female = rng.random() < female_share
    first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
    return Person(first, make_surname(rng, female), female)


# ============================================================================ regions

SEED_HEADS = {
    "ru-smolensk": Person("Василий", "Анохин", False),
    "ru-ulyanovsk": Person("Алексей", "Русских", False),
    "by-brest": Person("Петр", "Пархомчик", False),
    "by-vitebsk": Person("Александр", "Субботин", False),
}


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    belarus: bool
    gen: str
    loc: str
    adjective: str | None  # masculine nominative, lower case
    cities: tuple[str, ...]
    head: Person
    role: str  # губернатор / глава / председатель
    title: dict[str, str] = field(default_factory=dict)  # role + region, by case

    def adj(self, case: str, number: str = "plur") -> str:
        if not self.adjective:
            return ""
        parse = _morph().parse(self.adjective)[0]
        form = parse.inflect({case, number})
        return form.word if form else self.adjective


def _title(role: str, region_gen: str, by_adj: str | None) -> dict[str, str]:
    out = {}
    for case in CASES:
        r = inflect_word(role, case)
        if by_adj is not None:
            adj = inflect_word(by_adj, "gent")
            out[case] = f"{r} {_cap_like('А', adj)} облисполкома"
        else:
            out[case] = f"{r} {region_gen}"
    return out


@lru_cache(maxsize=4)
def regions(seed: int) -> tuple[Region, ...]:
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    result = []
    for e in data["entries"]:
        if e["kind"] not in ("ru_subject", "by_oblast"):
            continue
        name = e["name"]
        belarus = e["kind"] == "by_oblast"
        rng = random.Random(f"{seed}:head:{e['key']}")
        head = SEED_HEADS.get(e["key"]) or make_person(rng, 0.15)
        adjective = (e["adjectives"] or [None])[0]
        if e["key"] == "by-minsk-oblast":
            adjective = "минский"
        if belarus:
            role = "председатель"
        elif "Республик" in name:
            role = "глава"
        elif name == "Москва":
            role = "мэр"
        else:
            role = "губернатор"
        gen = inflect_phrase(name, "gent")
        result.append(
            Region(
                key=e["key"],
                name=name,
                belarus=belarus,
                gen=gen,
                loc=inflect_phrase(name, "loct"),
                adjective=adjective,
                cities=tuple(e["cities"]) or (name,),
                head=head,
                role=role,
                title=_title(role, gen, adjective if belarus else None),
            )
        )
    return tuple(result)


@cache
def city_loc(city: str) -> str:
    """«в Смоленске»; «в городе Улан-Удэ» when the name does not decline."""
    form = inflect_phrase(city, "loct")
    return f"в {form}" if form != city else f"в городе {city}"


# ============================================================================ events

@dataclass(frozen=True)
class Series:
    name: str
    city: str
    city_loc: str
    city_caps: str
    month: int
    days: int
    visitors: tuple[int, int]  # thousands
    countries: tuple[int, int]
    companies: tuple[int, int]


SERIES = (
    Series("ИННОПРОМ. Саудовская Аравия", "Эр-Рияд", "в Эр-Рияде", "ЭР-РИЯД", 2, 3,
           (6, 15), (18, 40), (250, 450)),
    Series("ИННОПРОМ. Центральная Азия", "Ташкент", "в Ташкенте", "ТАШКЕНТ", 4, 3,
           (12, 28), (20, 35), (400, 700)),
    Series("ИННОПРОМ. Казахстан", "Астана", "в Астане", "АСТАНА", 5, 3,
           (9, 20), (15, 30), (300, 550)),
    Series("ИННОПРОМ. Монголия", "Улан-Батор", "в Улан-Баторе", "УЛАН-БАТОР", 6, 3,
           (5, 12), (10, 22), (150, 300)),
    Series("ИННОПРОМ", "Екатеринбург", "в Екатеринбурге", "ЕКАТЕРИНБУРГ", 7, 4,
           (40, 70), (30, 60), (900, 1500)),
    Series("ИННОПРОМ. Беларусь", "Минск", "в Минске", "МИНСК", 9, 3,
           (12, 25), (20, 35), (450, 700)),
)


@dataclass(frozen=True)
class Event:
    index: int
    series: Series
    start: date
    end: date
    visitors_tenths: int  # in tenths of a thousand: 125 → 12,5 тыс.
    countries: int
    companies: int
    area: int  # тыс. кв. м
    ru_regions: int
    articles: int

    @property
    def name(self) -> str:
        return self.series.name

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def visitors_short(self) -> str:
        whole, tenth = divmod(self.visitors_tenths, 10)
        return f"{whole},{tenth} тыс." if tenth else f"{whole} тыс."

    @property
    def visitors_full(self) -> str:
        n = self.visitors_tenths * 100
        return f"{n // 1000} {n % 1000:03d}"

    def dates(self, with_year: bool = True) -> str:
        s, e = self.start, self.end
        tail = f" {e.year} года" if with_year else ""
        if s.month == e.month:
            return f"с {s.day} по {e.day} {MONTHS_GEN[e.month - 1]}{tail}"
        return f"с {s.day} {MONTHS_GEN[s.month - 1]} по {e.day} {MONTHS_GEN[e.month - 1]}{tail}"


class World:
    """Everything consistent across the corpus: events, regions, companies."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.regions = regions(seed)
        self.ru = [r for r in self.regions if not r.belarus]
        self.by = [r for r in self.regions if r.belarus]
        self._events: list[Event] = []
        self._bounds: list[int] = []  # first generated-article number of each event
        self._companies: list[Company] = []
        self._company_names: set[str] = set()

    # ---- events: chronological, starting after the seeds' Minsk 2025
    def event_for(self, n: int) -> Event:
        while not self._bounds or n >= self._bounds[-1] + self._events[-1].articles:
            self._new_event()
        lo, hi = 0, len(self._bounds) - 1
        while lo < hi:  # last bound <= n
            mid = (lo + hi + 1) // 2
            if self._bounds[mid] <= n:
                lo = mid
            else:
                hi = mid - 1
        return self._events[lo]

    def _new_event(self) -> None:
        k = len(self._events)
        rng = random.Random(f"{self.seed}:event:{k}")
        series = SERIES[k % len(SERIES)]
        year = 2026 + k // len(SERIES)
        if series.name == "ИННОПРОМ. Саудовская Аравия" and year == 2026:
            start = date(2026, 2, 8)  # announced in the seeds
        else:
            start = date(year, series.month, rng.randint(3, 28))
        event = Event(
            index=k,
            series=series,
            start=start,
            end=start + timedelta(days=series.days - 1),
            visitors_tenths=rng.randint(series.visitors[0] * 10, series.visitors[1] * 10),
            countries=rng.randint(*series.countries),
            companies=rng.randint(*series.companies),
            area=rng.randint(12, 60),
            ru_regions=rng.randint(18, 70),
            articles=rng.randint(120, 280),
        )
        start_n = self._bounds[-1] + self._events[-1].articles if self._events else 0
        self._events.append(event)
        self._bounds.append(start_n)

    # ---- companies: generated in order, names unique
    def company(self, j: int) -> Company:
        while len(self._companies) <= j:
            self._new_company()
        return self._companies[j]

    def _new_company(self) -> None:
        j = len(self._companies)
        rng = random.Random(f"{self.seed}:company:{j}")
        region = rng.choice(self.by) if rng.random() < 0.45 else rng.choice(self.ru)
        for _ in range(50):
            name = company_name(rng, region)
            if name not in self._company_names:
                break
        else:
            name = f"{company_name(rng, region)}-{j}"
        self._company_names.add(name)
        if region.belarus:
            form = rng.choice(("ОАО", "ОАО", "ООО", "ЗАО", "СЗАО", "ЧПУП"))
        else:
            form = rng.choice(("АО", "ПАО", "ООО", "ООО", "ОАО", "ЗАО"))
        role = "директор" if form in ("ООО", "ЧПУП") else "генеральный директор"
        self._companies.append(
            Company(
                form=form,
                name=name,
                region=region,
                city=rng.choice(region.cities),
                director=make_person(rng),
                role=role,
                industry=rng.choice(INDUSTRIES),
                products=tuple(product(rng) for _ in range(3)),
            )
        )


# ============================================================================ companies

NAME_HEADS = (
    "Бел", "Рос", "Урал", "Сибирь", "Волга", "Кама", "Дон", "Нева", "Амур", "Байкал", "Север",
    "Юг", "Восток", "Полесье", "Днепр", "Неман", "Припять", "Двина", "Сож", "Березина", "Ока",
)
NAME_MIDS = ("агро", "техно", "энерго", "хим", "газ", "строй", "авто", "электро", "гидро",
             "мет", "лифт", "стан", "мото", "транс", "тепло", "приборо", "нефте", "пром", "")
NAME_TAILS = ("маш", "пром", "сталь", "пласт", "лит", "прибор", "комплект", "снаб", "сервис",
              "систем", "трейд", "тех", "мотор", "кабель", "фарм", "стекло", "пак", "завод",
              "тех", "монтаж", "сплав", "дизель", "мех", "полимер", "металл", "инвест")
WORD_NAMES = ("Авангард", "Прогресс", "Вектор", "Зенит", "Полюс", "Орион", "Меридиан",
              "Горизонт", "Спектр", "Импульс", "Гранит", "Кристалл", "Сигнал", "Луч", "Алмаз",
              "Старт", "Эталон", "Феникс", "Титан", "Интеграл", "Атлант", "Магистраль",
              "Стимул", "Рубин", "Сапфир", "Омега", "Квант", "Протон", "Эверест", "Ладога")


def _city_head(region: Region, rng: random.Random) -> str:
    """«Брест», «Гомель», «Могилев» … as in Брестмаш, Гомельстекло, Могилевлифтмаш."""
    cities = [c for c in region.cities if " " not in c and "-" not in c and len(c) <= 9]
    if not cities:
        return rng.choice(NAME_HEADS)
    return rng.choice(cities).rstrip("ь")


def company_name(rng: random.Random, region: Region) -> str:
    roll = rng.random()
    if roll < 0.35:
        head = rng.choice(NAME_HEADS)
    elif roll < 0.7:
        head = _city_head(region, rng)
    else:
        word = rng.choice(WORD_NAMES)
        tail = rng.choice(NAME_TAILS + ("",) * 6)
        return f"{word}-{tail.capitalize()}" if tail else word
    mid = rng.choice(NAME_MIDS)
    tail = rng.choice(NAME_TAILS)
    return (head + mid + tail).capitalize()


# products: (nominative plural, genitive plural)
PRODUCT_NOUNS = (
    ("карьерные самосвалы", "карьерных самосвалов"), ("тракторы", "тракторов"),
    ("зерноуборочные комбайны", "зерноуборочных комбайнов"), ("автобусы", "автобусов"),
    ("электробусы", "электробусов"), ("троллейбусы", "троллейбусов"), ("трамваи", "трамваев"),
    ("лифты", "лифтов"), ("станки с ЧПУ", "станков с ЧПУ"),
    ("дизельные двигатели", "дизельных двигателей"), ("шины", "шин"),
    ("грузовые автомобили", "грузовых автомобилей"), ("погрузчики", "погрузчиков"),
    ("экскаваторы", "экскаваторов"), ("бульдозеры", "бульдозеров"), ("насосы", "насосов"),
    ("трансформаторы", "трансформаторов"), ("кабели", "кабелей"),
    ("подшипники", "подшипников"), ("грузовые вагоны", "грузовых вагонов"),
    ("маневровые локомотивы", "маневровых локомотивов"), ("беспилотники", "беспилотников"),
    ("дроны", "дронов"), ("гидроциклы", "гидроциклов"),
    ("лекарственные препараты", "лекарственных препаратов"),
    ("коммунальные машины", "коммунальных машин"), ("сельхозмашины", "сельхозмашин"),
    ("электродвигатели", "электродвигателей"), ("редукторы", "редукторов"),
    ("котлы", "котлов"), ("мотоблоки", "мотоблоков"), ("микросхемы", "микросхем"),
    ("холодильники", "холодильников"), ("светодиодные светильники", "светодиодных светильников"),
    ("металлоконструкции", "металлоконструкций"), ("жестяные банки", "жестяных банок"),
    ("моторные масла", "моторных масел"), ("катализаторы", "катализаторов"),
    ("тормозные системы", "тормозных систем"), ("лесовозы", "лесовозов"),
    ("пожарные автомобили", "пожарных автомобилей"), ("мусоровозы", "мусоровозов"),
    ("медицинские томографы", "медицинских томографов"), ("счетчики газа", "счетчиков газа"),
    ("оптические прицелы", "оптических прицелов"), ("тепловые насосы", "тепловых насосов"),
    ("солнечные панели", "солнечных панелей"), ("аккумуляторы", "аккумуляторов"),
)
PRODUCT_ADJS = (
    ("", ""), ("", ""), ("", ""), ("новые", "новых"), ("современные", "современных"),
    ("модернизированные", "модернизированных"), ("энергоэффективные", "энергоэффективных"),
    ("отечественные", "отечественных"), ("серийные", "серийных"),
    ("экспериментальные", "экспериментальных"), ("гибридные", "гибридных"),
    ("автоматизированные", "автоматизированных"), ("импортозамещающие", "импортозамещающих"),
    ("усовершенствованные", "усовершенствованных"), ("компактные", "компактных"),
    ("экспортные", "экспортных"), ("опытные", "опытных"), ("северные", "северных"),
)


def product(rng: random.Random) -> tuple[str, str]:
    nom, gen = rng.choice(PRODUCT_NOUNS)
    anom, agen = rng.choice(PRODUCT_ADJS)
    if anom:
        return f"{anom} {nom}", f"{agen} {gen}"
    return nom, gen


FIELDS_GEN = (
    "промышленной кооперации", "цифровизации производства", "машиностроения", "энергетики",
    "логистики", "фармацевтики", "микроэлектроники", "станкостроения",
    "сельхозмашиностроения", "химической промышленности", "легкой промышленности",
    "деревообработки", "строительства", "информационных технологий", "подготовки кадров",
    "металлургии", "приборостроения", "автомобилестроения", "авиастроения", "судостроения",
    "робототехники", "аддитивных технологий", "водородной энергетики", "биотехнологий",
    "импортозамещения", "электротранспорта", "промышленной автоматизации",
)
INDUSTRIES = (
    "пищевой промышленности", "легкой промышленности", "фармацевтике",
    "производстве металлоконструкций", "машиностроении", "станкостроении", "энергетике",
    "логистике", "сельском хозяйстве", "химической отрасли", "деревообработке",
    "строительстве", "IT-сфере", "приборостроении", "электротехнике", "микроэлектронике",
    "нефтегазовой отрасли", "горнодобывающей отрасли", "транспортном машиностроении",
)
SECTIONS = (
    "Межрегиональное сотрудничество в области промышленных инноваций",
    "Цифровая трансформация промышленности", "Кадры для новой индустрии",
    "Технологический суверенитет: общие задачи", "Кооперация в машиностроении",
    "Союз новых технологий: создавая промышленность будущего",
    "Промышленная политика Союзного государства", "Экспорт высокотехнологичной продукции",
    "Станкостроение: вызовы и решения", "Финансирование промышленных проектов",
    "Умный город и городской транспорт", "Энергетика будущего",
)
COUNTRIES_GEN = ("Казахстана", "Кыргызстана", "Узбекистана", "Таджикистана", "Армении",
                 "Азербайджана", "Монголии", "Китая", "Индии", "Ирана", "Вьетнама", "Турции",
                 "Египта", "Саудовской Аравии", "ОАЭ", "Кубы", "Сербии", "Индонезии")
DEBRIS = ("3.64 BYN", "3.58 BYN", "2.95 BYN", "92.4 RUB", "81.7 руб.", "3.41 BYN", "1.00 USD")
OTHER_AGENCIES = ("РИА Новости", "Интерфакс-Запад", "Sputnik", "СБ. Беларусь сегодня",
                  "Минск-Новости")


@dataclass(frozen=True)
class Company:
    form: str
    name: str
    region: Region
    city: str
    director: Person
    role: str
    industry: str
    products: tuple[tuple[str, str], ...]

    @property
    def full(self) -> str:
        return f"{self.form} «{self.name}»"


# ============================================================================ articles


@dataclass
class Draft:
    """An article being written: paragraphs of sentences, a title, facts for questions."""

    title: str = ""
    paragraphs: list[list[str]] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)

    def para(self, *sentences: str) -> None:
        items = [s for s in sentences if s]
        if items:
            self.paragraphs.append(items)

    def fact(self, kind: str, key: str, questions: list[str], expect: list[str]) -> None:
        self.facts.append({"kind": kind, "key": key, "questions": questions,
                           "expect": list(dict.fromkeys(expect))})


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Writer:
    """Writes generated article ``n`` (0-based among generated articles)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def article(self, n: int) -> tuple[str, str, list[dict[str, Any]], date]:
        w = self.world
        rng = random.Random(f"{w.seed}:article:{n}")
        ev = w.event_for(n)
        # companies: two introduced here, others mentioned again (popular ones more often)
        fresh = [w.company(2 * n), w.company(2 * n + 1)]
        old = [w.company(int((2 * n) * rng.random() ** 2)) for _ in range(2)] if n else []
        published = ev.start + timedelta(days=rng.randint(0, ev.series.days))
        kind = rng.choices(
            ("results", "stand", "heads", "company", "oblast"), weights=(2, 3, 3, 3, 2)
        )[0]
        d = Draft()
        getattr(self, f"_{kind}")(d, rng, ev, fresh, old)
        for _ in range(rng.randint(1, 3)):  # background, as real reports have
            extra = self._background(rng, ev, [*fresh, *old])
            d.paragraphs.insert(rng.randint(1, len(d.paragraphs)), extra)
        text, agency = self._format(d, rng, ev, published)
        return text, kind, d.facts, published

    # ---------------------------------------------------------------- sentences

    def _background(self, rng: random.Random, ev: Event, companies: list[Company]) -> list[str]:
        prods = [p for c in companies for p in c.products]
        pick = rng.sample(prods, 3)
        countries = rng.sample(COUNTRIES_GEN, 3)
        pool = (
            "Тематическая секция, посвященная вопросам "
            f"{rng.choice(FIELDS_GEN)}, собрала серьезный состав участников: представителей "
            "государственных органов, губернаторов из России и Беларуси, руководителей "
            "свободных экономических зон, а также бизнесменов обеих стран.",
            "Сейчас регионы взаимодействуют по самым различным направлениям — от "
            "социально-культурных проектов до организации внешних торговых поставок и "
            f"реализации совместных проектов в {rng.choice(INDUSTRIES)}.",
            "Результатов у такого сотрудничества много: увеличение доли экспорта "
            f"высокотехнологичных продуктов, рост в сфере {rng.choice(FIELDS_GEN)}, "
            "расширение номенклатуры продукции и многое другое.",
            "Выставка объединяет как уличную площадку с новинками промышленности, так и "
            "внутреннюю экспозицию, где представлены стенды российских регионов, а также "
            f"национальные экспозиции {countries[0]}, {countries[1]} и {countries[2]}.",
            "У журналистов есть точный тайминг, во сколько и в каких локациях будут проходить "
            "церемонии, но с учетом масштабов выставочного центра найти их не так уж и просто.",
            "Выставка нацелена не только на демонстрацию промышленных достижений, но и на "
            "налаживание партнерских отношений.",
            "Участие широкого круга компаний и стран подтверждает заинтересованность в "
            "углублении экономического сотрудничества и создании новых точек роста.",
            f"Деловая программа выставки включает более {rng.randint(20, 120)} сессий, "
            "круглых столов и презентаций.",
            f"Особое внимание участники уделили вопросам {rng.choice(FIELDS_GEN)} и "
            f"{rng.choice(FIELDS_GEN)}.",
            f"На открытой площадке представлены {pick[0][0]}, {pick[1][0]} и {pick[2][0]}.",
            "Одновременно правительство региона помогает местным компаниям наладить деловые "
            "связи и расширить географию бизнеса.",
            "Среди договоренностей — получение предприятиями займов в фонде развития "
            "промышленности, продвижение продукции через центры поддержки предпринимательства "
            "и расширение промышленной кооперации.",
            f"Эксперты отмечают, что в ближайшие годы будет расти спрос на продукцию "
            f"{rng.choice(FIELDS_GEN)}.",
            f"По данным организаторов, в деловой программе приняли участие более "
            f"{rng.randint(100, 900)} спикеров.",
            f"Для посетителей работали демонстрационные зоны, где можно было увидеть "
            f"{pick[1][0]} в работе.",
            f"Молодежный форум «Университет Иннопром» собрал более {rng.randint(200, 3000)} "
            "студентов технических вузов.",
            "Представители банков презентовали финтех-инструменты для гибкого экспорта и "
            "наращивания инвестиционного потенциала.",
            f"Большой интерес посетителей вызвали {pick[2][0]} и {pick[0][0]}.",
        )
        return rng.sample(pool, rng.randint(2, 4))

    def _intro(self, rng: random.Random, ev: Event) -> str:
        return rng.choice((
            f"Международная промышленная выставка «{ev.name}» открылась {ev.series.city_loc}, "
            "став значимым событием для промышленных предприятий и регионов.",
            f"{_cap(ev.dates(False))} {ev.series.city_loc} проходит международная промышленная "
            f"выставка «{ev.name}».",
            f"Международная промышленная выставка «{ev.name}» {ev.series.city_loc} стала "
            "ключевой площадкой для укрепления межрегионального сотрудничества в области "
            f"{rng.choice(FIELDS_GEN)}.",
            f"Выставка «{ev.name}» проходит {ev.series.city_loc} {ev.dates()}.",
            f"{_cap(ev.dates(False))} {ev.series.city_loc} работает международная "
            f"промышленная выставка «{ev.name}», одна из крупнейших отраслевых площадок года.",
        ))

    def _stats(self, rng: random.Random, ev: Event) -> str:
        approx = rng.choice(("свыше", "более", "около"))
        companies = ev.companies if approx == "около" else ev.companies // 10 * 10
        ru = rng.randint(ev.companies // 4, ev.companies // 2)
        return rng.choice((
            f"В экспозиции принимают участие {approx} {companies} "
            f"{gen_count(companies, 'компании', 'компаний')}, в том числе более {ru} из "
            f"{ev.ru_regions} {gen_count(ev.ru_regions, 'региона', 'регионов')} России.",
            f"На выставке представлены {approx} {companies} "
            f"{gen_count(companies, 'компании', 'компаний')} из {ev.countries} "
            f"{gen_count(ev.countries, 'страны', 'стран')}.",
            f"Общая площадь экспозиции составила свыше {ev.area} тыс. кв. м, включая уличную "
            "площадку для демонстрации крупногабаритной техники.",
        ))

    def _visitors(self, d: Draft, rng: random.Random, ev: Event) -> str:
        c = ev.countries
        sentence = rng.choice((
            f"В {ev.year} году выставку «{ev.name}» {ev.series.city_loc} посетили более "
            f"{ev.visitors_short} человек из {c} {gen_count(c, 'страны', 'стран')}.",
            f"Свыше {ev.visitors_short} человек из {c} {gen_count(c, 'страны', 'стран')} мира "
            f"посетили выставку «{ev.name}» {ev.series.city_loc} в {ev.year} году.",
        ))
        d.fact(
            "visitors",
            f"visitors:{ev.index}",
            [
                f"Сколько человек посетили выставку «{ev.name}» {ev.series.city_loc} "
                f"в {ev.year} году?",
                f"Сколько посетителей было на выставке «{ev.name}» {ev.series.city_loc} "
                f"в {ev.year} году?",
            ],
            [ev.visitors_short.rstrip("."), ev.visitors_full],
        )
        return sentence

    def _head_line(self, d: Draft, rng: random.Random, region: Region, ev: Event) -> str:
        h = region.head
        t = region.title
        sentence = rng.choice((
            f"{_cap(t['nomn'])} {h.name} {h.verb('подчеркнул')}, что регион делает ставку на "
            f"развитие {rng.choice(FIELDS_GEN)}.",
            f"{_cap(t['nomn'])} {h.name} {h.verb('рассказал')} о перспективах взаимодействия "
            f"в сфере {rng.choice(FIELDS_GEN)}.",
            f"Планами на новые проекты поделился {t['nomn']} {h.name} во время секции "
            f"«{rng.choice(SECTIONS)}» на полях выставки «{ev.name}».",
            f"{_cap(t['nomn'])} {h.name} {h.verb('отметил')}, что на выставке регион "
            f"представляет более {rng.randint(12, 90)} предприятий.",
        ))
        questions = [f"Кто {t['nomn']}?", f"Как зовут {t['accs']}?"]
        if region.belarus and region.adjective:
            questions.append(f"Кто возглавляет {region.adjective.capitalize()} облисполком?")
        d.fact("head", f"head:{region.key}", questions, h.forms())
        return sentence

    def _quote(self, rng: random.Random, who: Person, partner: str) -> str:
        text = rng.choice((
            f"Мы открыты к сотрудничеству {partner} во всех сферах и готовы рассматривать "
            "любые инициативы по совместным проектам",
            "Именно благодаря межрегиональному сотрудничеству у нас появились совместные "
            "предприятия, и сейчас мы активно увеличиваем локализацию",
            "У нас серьезные компетенции, и мы их сейчас активно восстанавливаем",
            "Выставка — замечательная площадка для того, чтобы показать наши самые "
            "современные достижения и выстраивать долгосрочное сотрудничество",
            f"Наши предприятия сегодня осуществляют отгрузки до {rng.randint(50, 900)} "
            "наименований товаров, и это далеко не предел",
            "Впереди большая работа по реализации достигнутых договоренностей",
        ))
        verb = who.verb(rng.choice(("отметил", "подчеркнул", "добавил", "заявил")))
        return f"«{text}», — {verb} {who.name}."

    def _agreement(self, d: Draft, rng: random.Random, ev: Event, a: Company,
                   b: Company) -> str:
        pn, pg = rng.choice(a.products + b.products)
        n = rng.randint(2, 400)
        if n % 10 == 1 and n % 100 != 11:
            n += 1
        city = rng.choice(a.region.cities + b.region.cities)
        kind, subject = rng.choice((
            ("соглашение", f"о поставке {n} {pg}"),
            ("контракт", f"на поставку {n} {pg}"),
            ("договор", f"о создании совместного производства {pg} {city_loc(city)}"),
            ("лицензионный договор", f"о передаче технологии производства {pg}"),
            ("меморандум", f"о сотрудничестве в сфере {rng.choice(FIELDS_GEN)}"),
            ("дорожную карту", f"по локализации производства {pg}"),
            ("план-график", f"по созданию сервисного центра по обслуживанию {pg} "
                            f"{city_loc(city)}"),
            ("соглашение", f"о создании совместного предприятия по выпуску {pg}"),
            ("контракт", f"на модернизацию {n} {pg}"),
        ))
        sentence = rng.choice((
            f"В рамках выставки {a.full} и {b.full} подписали {kind} {subject}.",
            f"{a.full} и {b.full} подписали {kind} {subject}, сообщили организаторы.",
            f"Кроме того, на полях мероприятия {a.full} и {b.full} подписали {kind} {subject}.",
        ))
        d.fact(
            "agreement",
            f"agreement:{a.name}:{b.name}",
            [f"Что подписали {a.full} и {b.full}?",
             f"Какой документ подписали {a.full} и {b.full} на выставке?"],
            [subject],
        )
        return sentence

    def _director(self, d: Draft, rng: random.Random, c: Company) -> str:
        p = c.director
        pn, _ = rng.choice(c.products)
        role_gen = "генерального директора" if c.role.startswith("генеральный") else "директора"
        sentence = rng.choice((
            f"{_cap(c.role)} {c.full} {p.name} {p.verb('рассказал')}, что предприятие "
            f"представило на выставке {pn}.",
            f"{_cap(c.role)} {c.full} {p.name} {p.verb('отметил')}, что компания работает "
            f"в {c.industry} и наращивает экспорт.",
            f"По словам {role_gen} {c.full} {p.form('gent')}, предприятие {city_loc(c.city)} "
            f"выпускает {pn}.",
        ))
        d.fact(
            "director",
            f"director:{c.name}",
            [f"Кто {c.role} {c.full}?", f"Как зовут {role_gen} {c.full}?",
             f"Кто руководит {c.full}?"],
            p.forms(),
        )
        return sentence

    def _turnover(self, d: Draft, rng: random.Random, region: Region, ev: Event) -> str:
        year = ev.year - 1
        frng = random.Random(f"{self.world.seed}:trade:{region.key}:{year}")
        if frng.random() < 0.5:
            value = f"{frng.randint(12, 480)} млрд рублей"
        else:
            value = f"{frng.randint(1, 9)},{frng.randint(1, 9)} млрд долларов"
        sentence = rng.choice((
            f"По итогам {year} года товарооборот {region.gen} и Республики Беларусь достиг "
            f"{value}.",
            f"Товарооборот {region.gen} с Беларусью по итогам {year} года составил {value}.",
        ))
        d.fact(
            "turnover",
            f"turnover:{region.key}:{year}",
            [f"Какой товарооборот у {region.gen} с Беларусью по итогам {year} года?",
             f"Каким был товарооборот {region.gen} и Беларуси в {year} году?"],
            [value.split(" млрд")[0] + " млрд"],
        )
        return sentence

    # ---------------------------------------------------------------- article kinds

    def _results(self, d: Draft, rng: random.Random, ev: Event, fresh: list[Company],
                 old: list[Company]) -> None:
        d.title = f"Выставку «{ev.name}» посетили более {ev.visitors_short} человек"
        d.para(self._visitors(d, rng, ev), "Об этом сообщили организаторы мероприятия.")
        d.para(
            f"Выставка «{ev.name}» проходила {ev.dates(False)}, общая площадь экспозиции "
            f"составила свыше {ev.area} тыс. кв. м.",
            self._stats(rng, ev),
            f"Всего {ev.ru_regions} {gen_count(ev.ru_regions, 'региона', 'регионов')} России "
            "приняли участие в мероприятии.",
        )
        topics = rng.sample(FIELDS_GEN, 3)
        d.para(
            f"В первый день выставки состоялась главная пленарная сессия "
            f"«{rng.choice(SECTIONS)}».",
            f"Среди ключевых тем дискуссии были вопросы {topics[0]}, {topics[1]}, а также "
            f"{topics[2]}.",
        )
        d.para(
            "Кроме того, на полях мероприятия были подписаны соглашения, имеющие "
            "стратегическую важность для развития промышленной кооперации.",
            self._agreement(d, rng, ev, fresh[0], fresh[1]),
            self._agreement(d, rng, ev, old[0], fresh[0]) if old and rng.random() < 0.5 else "",
        )
        nxt = SERIES[(ev.index + 1) % len(SERIES)]
        d.para(f"Следующая выставка пройдет {nxt.city_loc}.")

    def _stand(self, d: Draft, rng: random.Random, ev: Event, fresh: list[Company],
               old: list[Company]) -> None:
        region = rng.choice(self.world.ru)
        h = region.head
        d.title = f"Стенд {region.gen} представлен на выставке «{ev.name}»"
        adj = region.adj("gent")
        products = [p for c in fresh for p, _ in c.products[:1]]
        d.para(
            self._intro(rng, ev),
            self._stats(rng, ev),
            f"Один из стендов демонстрирует промышленный потенциал {region.gen}.",
        )
        d.para(
            f"Как {h.verb('сообщил')} {region.title['nomn']} {h.name}, на стенде региона "
            f"представлены уникальные разработки {adj + ' ' if adj else ''}предприятий.",
            f"Среди них — {', '.join(products)} и решения в сфере {rng.choice(FIELDS_GEN)}.",
        )
        d.para(self._turnover(d, rng, region, ev),
               "Одна из важнейших задач региональных властей — дальнейшее развитие "
               "сотрудничества.")
        partner = rng.choice(self.world.by)
        d.para(
            f"В ходе выставки {h.name} {h.verb('подписал')} соглашение с "
            f"{partner.title['ablt']} {partner.head.form('ablt')} о создании "
            f"{city_loc(rng.choice(region.cities))} торгово-выставочного центра белорусских "
            "производителей.",
            self._head_line(d, rng, region, ev),
        )
        d.para(self._agreement(d, rng, ev, fresh[0], fresh[1]),
               self._quote(rng, h, "с белорусскими партнерами"))

    def _heads(self, d: Draft, rng: random.Random, ev: Event, fresh: list[Company],
               old: list[Company]) -> None:
        by = rng.choice(self.world.by)
        ru = rng.choice(self.world.ru)
        d.title = f"{by.head.name} и {ru.head.name} обсудили сотрудничество на «{ev.name}»"
        d.para(self._intro(rng, ev))
        d.para(self._stats(rng, ev))
        d.para(
            "Однако это не только выставка, но и масштабная переговорная площадка, где "
            "губернаторы, бизнесмены и делегации ищут новые точки роста.",
            f"О ключевых аспектах мероприятия рассказали {by.title['nomn']} {by.head.name} и "
            f"{ru.title['nomn']} {ru.head.name}.",
        )
        d.para(self._head_line(d, rng, by, ev),
               f"{by.name} сильна не только в промышленности, но и в "
               f"{rng.choice(INDUSTRIES)}.")
        d.para(self._quote(rng, by.head, "с регионами России"))
        d.para(self._head_line(d, rng, ru, ev))
        c = fresh[0]
        pn, pg = c.products[0]
        d.para(
            f"Одним из успешных примеров сотрудничества стало совместное предприятие "
            f"{c.full}, основанное {city_loc(c.city)}.",
            f"Это предприятие становится лидером рынка по производству {pg}.",
            self._director(d, rng, c),
        )
        if rng.random() < 0.6:
            d.para(self._turnover(d, rng, ru, ev))

    def _company(self, d: Draft, rng: random.Random, ev: Event, fresh: list[Company],
                 old: list[Company]) -> None:
        c = fresh[0]
        other = old[0] if old else fresh[1]
        d.title = (f"Новые проекты и контракты: {c.full} представил новинки на "
                   f"«{ev.name}»")
        d.para(self._intro(rng, ev))
        d.para(
            "Участники презентовали новые проекты и лучшие кейсы кооперации, подчеркивая, что "
            "именно межрегиональное взаимодействие во многом определяет темпы строительства "
            "Союзного государства.",
            f"{c.full} связывают крепкие кооперационные цепочки с партнерами "
            f"{city_loc(rng.choice(other.region.cities))}, но на выставке намерены придать "
            "новый импульс взаимодействию.",
        )
        d.para(self._director(d, rng, c), self._quote(rng, c.director, "с новыми партнерами"))
        d.para(
            "Здесь подписание документов расписано буквально по часам.",
            f"Только на сегодняшний день запланировано порядка {rng.randint(5, 40)} "
            "документов — это чаще контракты как между предприятиями, так и между госорганами.",
            self._agreement(d, rng, ev, c, fresh[1]),
        )
        if rng.random() < 0.5:
            d.para(self._director(d, rng, fresh[1]))
        if rng.random() < 0.4:
            d.para(self._visitors(d, rng, ev))

    def _oblast(self, d: Draft, rng: random.Random, ev: Event, fresh: list[Company],
                old: list[Company]) -> None:
        by = rng.choice(self.world.by)
        h = by.head
        partners = rng.randint(20, 85)
        d.title = (f"{by.name} развивает сотрудничество с {partners} "
                   f"{'регионом' if partners % 10 == 1 and partners != 11 else 'регионами'} "
                   "России")
        d.para(
            f"Планами на новые проекты в сотрудничестве с регионами Российской Федерации "
            f"поделился {by.title['nomn']} {h.name} во время секции «{rng.choice(SECTIONS)}» "
            f"на полях выставки «{ev.name}».",
        )
        pg = fresh[0].products[0][1]
        d.para(
            f"Говоря о сотрудничестве с регионами России, {h.name} {h.verb('отметил')}, что в "
            f"планах новые проекты по производству {pg}.",
        )
        d.para(self._quote(rng, h, "со всеми регионами Российской Федерации"))
        d.para(
            f"{h.name} {h.verb('подчеркнул')}, что {by.name} развивает сотрудничество с "
            f"{partners} {'регионом' if partners % 10 == 1 and partners != 11 else 'регионами'}"
            " России.",
            f"Реализуются {rng.randint(10, 60)} соглашений и планов по сотрудничеству, "
            "подписанных на уровне облисполкома.",
            self._head_line(d, rng, by, ev),
        )
        inds = rng.sample(INDUSTRIES, 3)
        d.para(
            f"Среди удачных совместных проектов — участие {fresh[0].full} в кооперационном "
            f"проекте в {inds[0]}.",
            f"Кроме этого, успешно реализуются проекты в {inds[1]} и {inds[2]}.",
            self._agreement(d, rng, ev, fresh[0], fresh[1]) if rng.random() < 0.7 else "",
        )
        d.para(self._stats(rng, ev))

    # ---------------------------------------------------------------- file format

    def _format(self, d: Draft, rng: random.Random, ev: Event,
                published: date) -> tuple[str, str | None]:
        style = rng.choices(("tass", "belta", "debris", "blank", "plain"),
                            weights=(2, 3, 2, 2, 2))[0]
        paras = [" ".join(p) for p in d.paragraphs]
        day = f"{published.day} {MONTHS_GEN[published.month - 1]}"
        iso = published.isoformat()
        if style == "tass":
            body = "\n\n".join(paras[1:])
            subtitle = f"Общая площадь экспозиции составила свыше {ev.area} тыс. кв. м"
            text = (f" date {iso} {d.title}\n\n{subtitle}\n\n"
                    f"Редакция сайта ТАСС\n\n{ev.series.city_caps}, {day}. /ТАСС/. {paras[0]}"
                    f"\n\n{body}\n\nТАСС - генеральное информационное агентство выставки.")
            return text, "ТАСС"
        if style == "belta":
            first = paras[0].rstrip(".") + ", передает корреспондент БЕЛТА."
            tail = " −0-" if rng.random() < 0.5 else ""
            text = (f" date {iso} {day}, {ev.series.city} /Корр. БЕЛТА/. {first}\n"
                    + "\n".join(paras[1:]) + tail)
            return text, "БЕЛТА"
        agency = rng.choice((None, None, *OTHER_AGENCIES))
        if agency:
            paras[-1] = paras[-1] + f" Об этом сообщает {agency}."
        if style == "debris":
            return f" date {iso} {rng.choice(DEBRIS)}\n{d.title}\n" + "\n".join(paras), agency
        if style == "blank":
            return "\n\n".join(paras), agency
        return "\n".join(paras), agency


# ============================================================================ corpus


def _articles(seed: int, count: int) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    world = World(seed)
    writer = Writer(world)
    for n in range(count):
        text, kind, facts, _ = writer.article(n)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        yield f"g{n:05d}_{digest}.txt", text, facts


def select_questions(facts: list[dict[str, Any]], limit: int, seed: int) -> list[dict[str, Any]]:
    """Up to ``limit`` distinct questions, balanced over the kinds, spread over the corpus."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    seen: set[str] = set()
    for f in facts:  # facts are in article order; keep the first article stating each fact
        if f["key"] in seen:
            continue
        seen.add(f["key"])
        by_kind.setdefault(f["kind"], []).append(f)
    rng = random.Random(f"{seed}:questions")
    kinds = sorted(by_kind)
    # round-robin over the kinds, so a rare kind does not shrink the set: each kind's
    # items are taken evenly spaced over the corpus
    quota = dict.fromkeys(kinds, 0)
    while sum(quota.values()) < limit and any(quota[k] < len(by_kind[k]) for k in kinds):
        for k in kinds:
            if quota[k] < len(by_kind[k]) and sum(quota.values()) < limit:
                quota[k] += 1
    chosen: list[dict[str, Any]] = []
    for kind in kinds:
        items, take = by_kind[kind], quota[kind]
        step = len(items) / take if take else 0
        chosen.extend(items[int(i * step)] for i in range(take))
    chosen.sort(key=lambda f: (f["article"], f["kind"]))
    out = []
    for i, f in enumerate(chosen[:limit]):
        out.append({
            "id": f"gen{i:04d}",
            "question": rng.choice(f["questions"]),
            "expect": f["expect"],
            "kind": f["kind"],
            "article": f["article"],
            "sentence_kind": f["key"].split(":")[0],
        })
    return out


def generate(size: int, out: Path, seed: int = DEFAULT_SEED,
             questions: int = DEFAULT_QUESTIONS) -> dict[str, Any]:
    """Write ``out/seeds/*.txt`` (the five seeds + ``size`` − 5 generated articles),
    ``out/questions.jsonl`` and ``out/manifest.json``; return the manifest."""
    started = time.perf_counter()
    seed_files = sorted(SEEDS.glob("*.txt"))
    if size < len(seed_files):
        raise ValueError(f"size must be at least {len(seed_files)} (the seeds)")
    articles_dir = out / "seeds"
    if articles_dir.exists():
        shutil.rmtree(articles_dir)
    articles_dir.mkdir(parents=True)
    for path in seed_files:
        shutil.copyfile(path, articles_dir / path.name)
    facts: list[dict[str, Any]] = []
    chars = 0
    vocab: set[str] = set()
    word = re.compile(r"[а-яёa-z]+")
    for name, text, art_facts in _articles(seed, size - len(seed_files)):
        (articles_dir / name).write_text(text, encoding="utf-8")
        chars += len(text)
        vocab.update(word.findall(text.lower()))
        facts.extend({**f, "article": name} for f in art_facts)
    for path in seed_files:
        vocab.update(word.findall(path.read_text(encoding="utf-8").lower()))
    chosen = select_questions(facts, questions, seed)
    with (out / "questions.jsonl").open("w", encoding="utf-8") as fh:
        for q in chosen:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "generated": size - len(seed_files),
        "chars": chars,
        "distinct_words": len(vocab),
        "facts": len(facts),
        "distinct_facts": len({f["key"] for f in facts}),
        "questions": len(chosen),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="articles, seeds included")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--questions", type=int, default=DEFAULT_QUESTIONS,
                        help="generated questions to write")
    args = parser.parse_args()
    manifest = generate(args.size, args.out, args.seed, args.questions)
    print(json.dumps(manifest, ensure_ascii=False))
    print(f"articles: {args.out / 'seeds'}  questions: {args.out / 'questions.jsonl'}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
