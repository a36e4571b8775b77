"""Hand-written cue words for the rule engine (written for newsreader, no source).

Why a module of constants rather than a data file: these lists are small,
reviewed like code, and change together with the rules that read them.
All word sets hold the exact capitalised form unless the name says *_LOWER*.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Whitespace-separated words: keeps long word lists readable."""
    return text.split()


def _names(text: str) -> list[str]:
    """Names separated by "|" or line ends (names may contain spaces)."""
    return [n.strip() for n in text.replace("\n", "|").split("|") if n.strip()]


#: Words before a name that make it a person ("President", "Mr").
#: Matched with or without a trailing full stop.
TITLES: frozenset[str] = frozenset(
    _words(
        """
        Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Rev Reverend Fr
        Father Sister Brother Rabbi Imam Sheikh Sheik Pope Cardinal Archbishop
        Bishop Ayatollah President Vice Premier Chancellor Minister Ministers
        Secretary Ambassador Envoy Senator Sen Congressman Congresswoman Rep
        Representative Governor Gov Mayor Deputy Speaker Judge Justice Attorney
        Commissioner Chairman Chairwoman Chair Director Spokesman Spokeswoman
        Spokesperson Chief Officer Inspector Detective Sergeant Sgt Lieutenant Lt
        Captain Capt Colonel Col Major Maj General Gen Admiral Adm Commander Cmdr
        Marshal Field Corporal Cpl Coach Manager King Queen Prince Princess Duke
        Duchess Emperor Empress Sultan Emir Crown Prime Foreign Defence Defense
        Interior Finance Health Justice Trade Economy Leader Opposition Former
        Acting Interim Striker Midfielder Defender Goalkeeper
        """
    )
)

#: Title words that only make sense together with another title word
#: ("Prime Minister", "Foreign Minister"): alone they are not titles.
TITLE_MODIFIERS: frozenset[str] = frozenset(
    _words(
        """
        Vice Prime Foreign Defence Defense Interior Finance Health Justice Trade
        Economy Deputy Acting Interim Former Chief Crown Field Leader Opposition
        """
    )
)

#: Lower-case words before a name that make it a person ("said spokesman X").
TITLES_LOWER: frozenset[str] = frozenset(
    _words(
        """
        president minister ambassador envoy senator governor mayor secretary
        chairman spokesman spokeswoman spokesperson judge coach
        manager striker midfielder defender goalkeeper captain general colonel
        lieutenant sergeant
        professor dr mr mrs ms
        """
    )
)

#: Last words (or words before "of") that make a capitalised sequence an
#: organisation: "Cairo University", "Ministry of Foreign Affairs".
ORG_SUFFIXES: frozenset[str] = frozenset(
    _words(
        """
        Inc Inc. Corp Corp. Corporation Co Co. Ltd Ltd. LLC Plc PLC AG SA NV GmbH
        Company Companies Group Holdings Holding Industries Enterprises Partners
        Bank Bancorp Fund Trust Capital Securities Investments Insurance Airlines
        Airways Motors Energy Petroleum Oil Telecom Communications Systems
        Technologies Labs Party Parliament Congress Senate Assembly Council
        Committee Commission Cabinet Ministry Department Office Agency Authority
        Bureau Service Services Administration Court Tribunal Police Army Navy Force
        Forces Guard Command Corps Brigade Militia University College Institute
        Institution School Academy Hospital Foundation Association Federation Union
        Organization Organisation League Alliance Coalition Society Club Network
        News Times Post Journal Herald Gazette Telegraph Press Television Radio
        Broadcasting Magazine Review Nations Movement Front Council Church Mosque
        Museum Library Centre Center Board Exchange Reserve Treasury Conference
        Confederation Federation Secretariat Directorate Observatory United Rovers
        Athletic Wanderers Hotspur City FC
        """
    )
)

#: Words that start an organisation name and need "of" after them
#: ("Ministry of Defence", "Bank of England", "University of Cairo").
ORG_HEADS: frozenset[str] = frozenset(
    _words(
        """
        Ministry Department Bank University College Institute Office Council Court
        Commission Committee Organization Organisation Federation Association Union
        League Church Museum Academy Board Bureau Chamber House Party Society
        """
    )
)

#: Last words that make a capitalised sequence a place ("Red Sea", "Gaza Strip")
#: and the label they give.
PLACE_SUFFIXES: dict[str, str] = {
    **dict.fromkeys(
        _words(
            """
            River Sea Ocean Gulf Bay Strait Straits Lake Lakes Mountains
            Mountain Mount Hills Valley Desert Peninsula Coast Island Islands
            Canal Plain Plateau Basin Street Avenue Road Square Strip Park Meadows
            Stadium Arena
            """
        ),
        "LOC",
    ),
    **dict.fromkeys(_words("Province County District Governorate Prefecture Oblast"), "GPE"),
}

#: Connectors allowed inside one name ("Ministry of Foreign Affairs",
#: "Ludwig van Beethoven"). "and"/"of"/"for" split the name again unless the
#: whole sequence is known or is an organisation.
CONNECTORS: frozenset[str] = frozenset(
    _words(
        """
        of for and the de del della der den di du da dos das van von la le bin ibn &
        """
    )
)

#: Connectors that join organisation or place names but never people.
SPLITTING_CONNECTORS: frozenset[str] = frozenset({"of", "for", "and", "&", "the"})

#: Capitalised words that are never (the start of) a name by themselves:
#: determiners, pronouns and other words that begin sentences or headlines.
STOP_CAPITALISED: frozenset[str] = frozenset(
    _words(
        """
        The A An This That These Those There Here It Its He She We They I You His
        Her Our Their My Your Mr. But And Or So If When While After Before As At In
        On Of For By With From To Into About Over Under Since Until During Although
        Though Because However Meanwhile Also Yet Still Then Now Today Yesterday
        Tomorrow Tonight Last Next This Every Each All Some Many Most More Much Few
        Both Either Neither No Not Nor Only Even Just What Which Who Whom Whose
        Where Why How Than Such Monday Tuesday Wednesday Thursday Friday Saturday
        Sunday January February March April May June July August September October
        November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue
        Tues Wed Thu Thur Thurs Fri Sat Sun GMT UTC BST CET EST EDT PST PDT AM PM
        """
    )
)

#: Month and weekday words: never part of a name (DATE handles them).
CALENDAR_WORDS: frozenset[str] = frozenset(
    _words(
        """
        Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
        March April June July August September October November December Jan Feb Mar
        Apr Jun Jul Aug Sep Sept Oct Nov Dec
        """
    )
)

#: Upper-case words that are not organisations although they look like
#: acronyms: units, time zones, common abbreviations, roman numerals.
NOT_ACRONYMS: frozenset[str] = frozenset(
    _words(
        """
        I II III IV V VI VII VIII IX X XI XII A AM PM GMT UTC BST CET EST EDT PST
        PDT CEO CFO COO CTO MP MPs MEP PM OK TV DVD CD PC GDP GNP VAT AIDS HIV DNA
        SMS ID IQ FM AD BC BCE CE UK US USA UAE EU UN OR AND THE OF IN TO ON AT BY
        FOR IT AI PR HQ IPO NGO NGOs PhD MBA Q1 Q2 Q3 Q4 KM KG MW GW KW USD EUR GBP
        RSS HTML PDF URL WWW LED LCD SUV GP RIP PS NB FAQ ET VS VIP
        """
    )
)

#: Acronyms (and dotted forms) with a known label and canonical name.
KNOWN_ACRONYMS: dict[str, tuple[str, str]] = {
    "US": ("GPE", "United States"),
    "U.S.": ("GPE", "United States"),
    "USA": ("GPE", "United States"),
    "U.S.A.": ("GPE", "United States"),
    "UK": ("GPE", "United Kingdom"),
    "U.K.": ("GPE", "United Kingdom"),
    "UAE": ("GPE", "United Arab Emirates"),
    "DRC": ("GPE", "Democratic Republic of the Congo"),
    "UN": ("ORG", "United Nations"),
    "U.N.": ("ORG", "United Nations"),
    "EU": ("ORG", "European Union"),
    "E.U.": ("ORG", "European Union"),
    "NATO": ("ORG", "NATO"),
    "Nato": ("ORG", "NATO"),
}

#: Multi-word names made only of common words, which the rules would
#: otherwise drop ("White House"), with their label.
KNOWN_NAMES: dict[str, str] = {
    "White House": "ORG",
    "Supreme Court": "ORG",
    "Red Cross": "ORG",
    "Red Crescent": "ORG",
    "Security Council": "ORG",
    "World Bank": "ORG",
    "European Union": "ORG",
    "United Nations": "ORG",
    "Kremlin": "ORG",
    "Parliament": "ORG",
    "Congress": "ORG",
    "Senate": "ORG",
    "Pentagon": "ORG",
    "Wall Street": "LOC",
    "Downing Street": "LOC",
    "Liberal Democrats": "ORG",
    "Lib Dems": "ORG",
    "Middle East": "LOC",
    "Far East": "LOC",
    "West Bank": "GPE",
    "Gaza Strip": "GPE",
    "Gaza": "GPE",
}

#: Regions and features that are places but not in the GeoNames extract.
REGIONS: dict[str, str] = dict.fromkeys(
    _names(
        """
    Middle East|Near East|Far East|Gulf|Persian Gulf|Arabian Peninsula|Mediterranean
    Balkans|Caucasus|Scandinavia|Latin America|Central America|Caribbean|Sahel|Sahara
    Horn of Africa|Central Asia|Southeast Asia|South Asia|East Asia|West Africa
    East Africa|North Africa|Southern Africa|Central Africa|Sub-Saharan Africa
    Western Europe|Eastern Europe|Central Europe|Northern Europe|Southern Europe
    Arctic|Antarctic|Pacific|Atlantic|Indian Ocean|Siberia|Himalayas|Sinai|Nile
    Red Sea|Black Sea|Caspian Sea|Baltic|Baltic Sea|North Sea|South China Sea
    Levant|Maghreb|Kurdistan|Kashmir|Darfur|Crimea|Donbas|Donbass|Tigray|Patagonia
    Midwest|New England|Silicon Valley|Outback|Alps|Andes|Rockies|Amazon Basin
    """
    ),
    "LOC",
)

#: Canadian provinces and Australian states, which the GeoNames extract lacks.
PROVINCES: frozenset[str] = frozenset(
    _names(
        """
    Ontario|Quebec|British Columbia|Alberta|Manitoba|Saskatchewan|Nova Scotia
    New Brunswick|Newfoundland|Prince Edward Island|Yukon|Nunavut|New South Wales
    Queensland|Victoria|Tasmania|Western Australia|South Australia|Northern Territory
    England|Scotland|Wales|Northern Ireland|Catalonia|Bavaria|Punjab|Sindh|Kerala
    """
    )
)

#: Groups that are NORP without being a country's demonym.
NORP_EXTRA: frozenset[str] = frozenset(
    _words(
        """
        Arab Arabs Kurd Kurds Kurdish Muslim Muslims Christian Christians Jew Jews
        Jewish Catholic Catholics Protestant Protestants Orthodox Hindu Hindus Sikh
        Sikhs Buddhist Buddhists Sunni Sunnis Shia Shiite Shiites Shi'ite Islamic
        Islamist Islamists Democrat Democrats Republican Republicans Conservative
        Conservatives Tory Tories Liberal Liberals Socialist Socialists Communist
        Communists European Europeans African Africans Asian Asians Latino Latinos
        Hispanic Hispanics English Scottish Scots Welsh Irish Palestinian
        Palestinians Pashtun Baloch Tamil Tamils Uighur Uighurs Uyghur Uyghurs
        Rohingya Yazidi Yazidis Druze Alawite Alawites Westerners Brits Britons
        """
    )
)

#: Nouns for one person of a people ("Spaniard Conchita Martinez"): NORP.
NORP_NOUNS: frozenset[str] = frozenset(
    _words(
        """
        Spaniard Spaniards Swede Swedes Frenchman Frenchmen Frenchwoman Englishman
        Englishmen Englishwoman Scotsman Scotsmen Welshman Irishman Irishmen Dutchman
        Briton Britons Dane Danes Poles Turks Finns Kiwi Kiwis Aussie Aussies
        """
    )
)

#: Compass and position words that make a bigger place from a place
#: ("North Tyneside", "South Asian", "East Germany").
COMPASS: frozenset[str] = frozenset(
    _words("North South East West Northern Southern Eastern Western Central Upper Lower")
)

#: Last words of events, prizes and works, which are none of our labels
#: ("Hopman Cup", "Antiques Roadshow").
NOT_ENTITY_SUFFIXES: frozenset[str] = frozenset(
    _words(
        """
        Cup Games Championship Championships Open Olympics Trophy Prize Award Awards
        Festival Show Roadshow Series Tour Marathon Grand Prix Day Week Act Bill
        Convention Treaty Agreement Accord Plan Report Album Song Film Movie Book
        """
    )
)

#: Words after a name that suggest a person ("X said").
PERSON_VERBS_AFTER: frozenset[str] = frozenset(
    _words(
        """
        said says told added noted stressed explained asked wrote argued insisted
        claimed warned denied admitted announced
        """
    )
)

#: Prepositions before a name that suggest a place ("in X", "near X").
PLACE_PREPOSITIONS: frozenset[str] = frozenset(_words("in near outside inside across"))

#: Suffixes after a place with a hyphen ("Cairo-based"): the name before is a place.
PLACE_HYPHEN_SUFFIXES: tuple[str, ...] = ("-based", "-born", "-bound", "-headquartered")
