"""What CRM exports call things: header names, stage values, status words, null markers.

Kept as data so that teaching the importer a new CRM is a line here and a fixture in
``tests/fixtures/crm/``, not new code. Header names are listed *normalised* (``normalise_header``
in ``import_columns``: accents dropped, lower case, only letters and digits), so ``Deal - Won
time``, ``deal_won_time`` and ``DEAL WON TIME`` are one name. Before a name is looked up, the
known prefixes (``Deal - ``, ``Opportunity ``, ``Deal.``) are tried off, and an ``ID`` suffix
for the fields in ``ID_SUFFIX_FIELDS`` (Bitrix's ``STAGE_ID`` is the stage).

Sources: the export and API documentation of Pipedrive, HubSpot (display and internal property
names), Salesforce (report and Data Loader names), Zoho CRM, Dynamics 365 Sales, Odoo, Bitrix24
(``crm.deal.list``), vtiger / SuiteCRM, Close, and the words of German, French and Spanish
spreadsheets. ``tests/fixtures/crm/`` has one made-up export per CRM.
"""

from __future__ import annotations

# field -> normalised header names. The first is the field's own name (what salespipe's export
# writes); an exact own name wins over a synonym of another column.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "external_id": (
        "externalid", "id", "opportunityid", "dealid", "leadid", "recordid", "importid", "crmid",
        "uid", "potentialid", "hsobjectid", "objectid", "opportunitynumber", "dealnumber",
        "potentialno", "potentialnumber", "oppid", "recordnumber", "kennung", "identifiant",
        "iddeal", "idoportunidad", "numerodeoportunidad",
    ),
    "title": (
        "title", "name", "fullname", "leadname", "dealname", "opportunityname", "dealtitle",
        "potentialname", "topic", "subject", "bezeichnung", "titel",
        "dealbezeichnung", "verkaufschance", "opportunite", "nomopportunite", "intitule",
        "nombre", "nombredelaoportunidad", "oportunidad", "titulo", "asunto", "projekt", "project",
        "leadtitle", "opportunitytitle", "deal", "lead", "dealname", "affaire", "nomdelaffaire",
        "vorgang", "auftrag",
    ),
    "first_name": ("firstname", "vorname", "givenname", "prenom", "nombrepila"),
    "last_name": ("lastname", "nachname", "surname", "familyname", "nom", "apellido", "apellidos"),
    "contact_name": (
        "contactname", "contact", "kontakt", "contactperson", "ansprechpartner", "ansprechperson", "person",
        "personname", "primarycontact", "contactfullname", "kontaktperson", "interlocuteur",
        "contactprincipal", "contacto", "personadecontacto", "leadcontact", "contactlastname",
    ),
    "company": (
        "company", "account", "accountname", "organization", "organisation", "organizationname",
        "organisationname", "firma", "unternehmen", "companyname", "enterprisename", "enterprise",
        "customer", "kunde", "firmenname", "societe", "entreprise", "client", "empresa", "cliente",
        "cuenta", "potentialcustomer", "relatedto", "orgname", "partner", "partnername",
        "associatedcompany", "clientname", "customername", "kundenname", "raisonsociale",
        "organizacion", "leadcompany",
    ),
    "email": (
        "email", "emailaddress", "emailadresse", "mail", "mailadresse", "courriel", "correo",
        "correoelectronico", "contactemail", "primaryemail", "personemail", "emailwork", "adressemail",
    ),
    "phone": (
        "phone", "telefon", "telephone", "phonenumber", "telefonnummer", "tel", "mobile",
        "mobilephone", "mobil", "handy", "fixedphone", "businessphone", "telefono", "movil",
        "portable", "contactphone", "personphone", "phonework",
    ),
    "source": (
        "source", "leadsource", "quelle", "channel", "kanal", "herkunft", "origin", "leadquelle",
        "origine", "sourcedulead", "fuente", "origen", "canal", "sourceid", "hsanalyticssource",
        "sourcedetail", "acquisitionchannel",
    ),
    "owner": (
        "owner", "dealowner", "opportunityowner", "salesowner", "accountowner", "leadowner", "salesagent", "salesrep", "salesperson",
        "salesrepresentative", "accountexecutive", "assignedto", "assigneduser", "assignedby",
        "assignedbyid", "responsible", "responsibleuser", "hubspotownerid", "hubspotowner",
        "smownerid", "user", "username", "username", "ownername", "agent", "rep", "verantwortlich",
        "verantwortlicher", "vertriebsmitarbeiter", "verkaufer", "betreuer", "bearbeiter",
        "zustandig", "besitzer", "inhaber", "dealinhaber", "dealbesitzer", "kundenbetreuer", "commercial", "responsable", "vendeur", "proprietaire", "vendedor",
        "comercial", "propietario", "asignadoa", "salesteammember", "userid", "ownerid",
        "assigneduserid", "assigneduserName".lower(),
    ),
    "stage": (
        "stage", "dealstage", "stagename", "phase", "pipelinestage", "etape", "salesstage",
        "opportunitystage", "pipelinephase", "stageid", "statuslabel", "dealphase",
        "verkaufsphase", "vertriebsphase", "stufe", "etapedevente", "etapa", "fase",
        "etapadeventa", "fasedeventa", "stagedescription", "salescyclestage", "milestone",
        "pipelinemilestone", "dealmilestone",
    ),
    # open / won / lost as a word (Pipedrive "Status", Dynamics "Status", Close "status_type")
    "status": (
        "status", "dealstatus", "opportunitystatus", "statustype", "state", "statecode",
        "stato", "statut", "estado", "zustand", "outcome", "result", "ergebnis", "resultat",
        "resultado", "leadstatus", "opportunitystate", "dealstate",
    ),
    # booleans: won yes/no, closed yes/no
    "is_won": ("iswon", "won", "hsisclosedwon", "closedwon", "gewonnen", "gagne", "ganado"),
    "is_closed": ("isclosed", "closed", "hsisclosed", "geschlossen", "ferme", "cerrado"),
    "value": (
        "value", "amount", "betrag", "wert", "closevalue", "dealvalue", "revenue",
        "opportunityamount", "volumen", "montant", "umsatz", "auftragswert", "dealsize",
        "dealamount", "estrevenue", "estimatedrevenue", "expectedrevenue", "opportunity",
        "opportunityvalue", "potentialamount", "dealvolume", "importe", "valor", "monto",
        "valeur", "montantestime", "chiffredaffaires", "finalvalue", "contractvalue",
        "totalvalue", "totalamount", "price", "preis", "prix", "precio", "mrr", "arr", "acv",
        "tcv", "annualvalue", "auftragsvolumen", "geschatzterumsatz", "erwarteterumsatz",
        "plannedrevenue", "plannedamount", "bidamount", "umsatznetto", "nettoumsatz", "nettobetrag",
        "betragnetto", "wertnetto", "nettowert", "auftragswertnetto", "netamount", "netvalue",
        "montantht", "importeneto", "dealsizeusd", "dealsizeeur",
    ),
    "currency": (
        "currency", "currencycode", "currencyisocode", "wahrung", "devise", "moneda", "divisa",
        "currencyid", "dealcurrencycode", "valuecurrency", "transactioncurrency",
        "transactioncurrencyid", "bidcurrency", "amountcurrency", "opportunitycurrency", "dealcurrency",
    ),
    # Odoo: an archived (Active = False) opportunity is a lost one
    "active": ("active", "isactive", "aktiv", "actif", "activo"),
    "created": (
        "created", "createddate", "createdat", "createdon", "engagedate", "erstelltam",
        "erstellt", "datecreated", "creationdate", "angelegtam", "createdtime", "createdate",
        "datecreate", "dealcreated", "addtime", "createtime", "createtimestamp", "datecreation",
        "datedecreation", "creele", "fechadecreacion", "fechacreacion", "creado", "creadoel",
        "erstellungsdatum", "anlagedatum", "opened", "openedat", "opendate", "startdate",
        "createdon", "dateentered", "entered", "datecreatedutc",
    ),
    "close_date": (
        "closedate", "closingdate", "abschlussdatum", "closedat", "dateclosed", "closedon",
        "wonon", "closeat", "actualclosedate", "closetime", "dateclose", "closeddate",
        "dealclosedon", "datedecloture", "datecloture", "fechadecierre", "fechacierre",
        "cerradoel", "abgeschlossenam", "geschlossenam", "datewon", "closedtime",
        "dateclosedutc", "dateofclosing", "datedesignature", "signaturedate", "signedon", "datesigned",
        "unterschriftsdatum", "unterschriebenam", "fechadefirma",
    ),
    # used for the close date of a won (lost) deal when there is no close-date column
    "won_time": ("wontime", "wondate", "datewonat", "gewonnenam", "dategagne", "fechaganado"),
    "lost_time": ("losttime", "lostdate", "datelost", "verlorenam", "dateperdu", "fechaperdido"),
    # the last change: the documented fallback for a closed deal's unknown close date
    "modified": (
        "modified", "modifiedtime", "lastmodified", "lastmodifieddate", "updatedat", "updatetime",
        "datemodify", "modifiedon", "lastmodifiedtime", "lastupdated", "hslastmodifieddate",
        "dateupdated", "geandertam", "zuletztgeandert", "datedemodification", "fechademodificacion",
        "writedate", "lastupdate", "stagechangetime",
    ),
    "expected_close": (
        "expectedclose", "expectedclosedate", "expectedclosingdate", "erwartetesabschlussdatum",
        "zieldatum", "estclosedate", "estimatedclosedate", "dateexpected", "dateofexpectedclosing",
        "expectedclosing", "datedeadline", "deadline", "datedeclotureprevue", "clotureprevue",
        "fechaprevistadecierre", "fechadecierreprevista", "forecastclosedate",
        "voraussichtlichesabschlussdatum", "geplantesabschlussdatum", "closedateexpected",
    ),
    "probability": (
        "probability", "wahrscheinlichkeit", "probabilitypercent", "winprobability",
        "probabilite", "probabilidad", "confidence", "dealprobability", "closeprobability",
        "hsdealstageprobability", "abschlusswahrscheinlichkeit", "chance",
    ),
    "tags": ("tags", "tag", "labels", "label", "schlagworte", "schlagworter", "etiquettes", "etiquetas"),
    "lost_reason": (
        "lostreason", "lossreason", "reasonlost", "verlustgrund", "closedlostreason",
        "motifdeperte", "raisondeperte", "motivodeperdida", "razondeperdida", "statusreason",
        "reasonforloss", "lostreasonname", "closelostreason", "absagegrund", "lossreasonname",
        "reasonlostname",
    ),
    "history": ("history",),
}

# The fields an import of a pipeline needs; a file that has none of them is a plain lead list.
KEY_FIELDS = ("stage", "value", "created", "close_date")
# Prefixes that CRMs put before a field name ("Deal - Title", "Opportunity Owner", "Deal.Stage").
PREFIXES = ("deal", "deals", "opportunity", "opportunities", "opp", "potential", "potentials",
            "lead", "leads", "record", "verkaufschance", "opportunite", "oportunidad", "affaire",
            "projet", "cn")
# Fields for which a trailing "ID" names the value, not a reference ("STAGE_ID" is the stage).
ID_SUFFIX_FIELDS = ("stage", "currency", "source", "owner", "status")
# Field names whose columns must hold values of a kind; when they do not, the next candidate
# (by content) is taken: "Opportunity" holding amounts is the value, holding text the title.
BY_CONTENT: dict[str, tuple[str, ...]] = {
    "opportunity": ("value", "title"),
    "closed": ("is_closed", "close_date"),
    "won": ("is_won", "won_time"),
    "status": ("status", "stage"),
    "state": ("status", "stage"),
    "statut": ("status", "stage"),
    "estado": ("status", "stage"),
    "leadstatus": ("status", "stage"),
    "statuslabel": ("stage",),
}

# Words that name an outcome, in the languages a European rep meets (lower case, accents kept
# and dropped both: values are compared after ``fold``).
WON_WORDS = frozenset({
    "won", "win", "closed won", "closedwon", "closed-won", "closed - won", "won deal", "gewonnen",
    "abgeschlossen gewonnen", "auftrag", "gagne", "gagnee", "ganado", "ganada", "cerrado ganado",
    "cerrada ganada", "vinto", "success", "successful", "erfolgreich", "sale", "wonclosed",
    "auftrag erteilt", "beauftragt", "order placed", "ordered", "contract signed", "signed",
    "unterschrieben", "vertrag unterschrieben", "commande", "signe", "contrat signe", "firmado",
    "contrato firmado", "abgeschlossen und gewonnen", "geschlossen und gewonnen", "ferme gagne",
    "ferme et gagne", "cerrado y ganado",
})
LOST_WORDS = frozenset({
    "lost", "lose", "loss", "closed lost", "closedlost", "closed-lost", "closed - lost",
    "closed-lost to competition", "closed lost to competition", "verloren",
    "abgeschlossen verloren", "perdu", "perdue", "perdido", "perdida", "cerrado perdido",
    "cerrada perdida", "canceled", "cancelled", "out-sold", "outsold", "abgesagt", "storniert",
    "annule", "annulee", "cancelado", "apology", "failed", "unsuccessful", "dead", "rejected",
    "abgelehnt", "rejete", "rechazado", "disqualified", "abgeschlossen und verloren",
    "geschlossen und verloren", "ferme perdu", "ferme et perdu", "cerrado y perdido", "abandoned", "aufgegeben", "abandonne",
})
OPEN_WORDS = frozenset({
    "open", "active", "in progress", "inprogress", "on hold", "offen", "aktiv", "laufend",
    "en cours", "ouvert", "ouverte", "actif", "abierto", "abierta", "activo", "en curso", "pending",
    "new", "in bearbeitung", "suspended",
})
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "ja", "j", "oui", "si", "sí", "wahr", "vrai", "x"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "nein", "non", "falsch", "faux"})
# Currency names as exports write them (Dynamics 365: "US Dollar"), folded.
CURRENCY_NAMES = {
    "euro": "EUR", "euros": "EUR", "us dollar": "USD", "us dollars": "USD", "dollar": "USD",
    "u.s. dollar": "USD", "british pound": "GBP", "pound sterling": "GBP", "swiss franc": "CHF",
    "schweizer franken": "CHF", "franc suisse": "CHF", "japanese yen": "JPY", "yen": "JPY",
    "canadian dollar": "CAD", "australian dollar": "AUD", "swedish krona": "SEK",
    "norwegian krone": "NOK", "danish krone": "DKK", "polish zloty": "PLN", "zloty": "PLN",
    "mexican peso": "MXN", "peso mexicano": "MXN", "indian rupee": "INR", "russian ruble": "RUB",
    "chinese yuan": "CNY", "yuan": "CNY", "renminbi": "CNY", "brazilian real": "BRL",
}
# Words after an amount that say how often it recurs ("$499 monthly"): the amount is the value.
PERIOD_WORDS = ("monthly", "annually", "annual", "yearly", "one time", "one_time", "one-time",
                "per month", "per year", "a month", "a year", "/mo", "/month", "/yr", "/year",
                "/ month", "/ year", "p.m.", "p.a.", "mtl.", "monatlich", "jährlich", "mensuel",
                "annuel", "mensual", "anual")

# Cells that mean "unknown" in every column.
NULL_MARKERS = frozenset({"\\N", "NULL", "null", "Null", "N/A", "n/a", "N/a", "#N/A", "-", "--", "–", "—",
                          "(null)", "(blank)", "(leer)", "k.A.", "k. A."})

# A stage value of another CRM -> stage keys to try in order in the user's pipeline (the
# six-phase keys come last, so another preset's own key is taken where it has one). Won and
# lost words need no entry: they go to the pipeline's won or lost stage.
STAGE_VALUES: dict[str, tuple[str, ...]] = {
    # Salesforce / Zoho / vtiger / SuiteCRM defaults
    "prospecting": ("prospecting", "lead", "new"),
    "qualification": ("qualification", "mql", "verified"),
    "needs analysis": ("sal", "qualified"),
    "value proposition": ("sql", "qualified"),
    "id decision makers": ("sql", "qualified"),
    "identify decision makers": ("sql", "qualified"),
    "perception analysis": ("sql", "proposal"),
    "proposal/price quote": ("proposal",),
    "proposal or price quote": ("proposal",),
    "proposal price quote": ("proposal",),
    "negotiation/review": ("negotiation",),
    "negotiation or review": ("negotiation",),
    "negotiation review": ("negotiation",),
    # HubSpot (internal ids and labels)
    "appointmentscheduled": ("appointment", "verified"),
    "appointment scheduled": ("appointment", "verified"),
    "qualifiedtobuy": ("qualified",),
    "qualified to buy": ("qualified",),
    "presentationscheduled": ("presentation", "proposal"),
    "presentation scheduled": ("presentation", "proposal"),
    "decisionmakerboughtin": ("decision", "negotiation"),
    "decision maker bought-in": ("decision", "negotiation"),
    "decision maker bought in": ("decision", "negotiation"),
    "contractsent": ("contract", "negotiation"),
    "contract sent": ("contract", "negotiation"),
    # HubSpot's default stages in German
    "termin vereinbart": ("appointment", "verified"),
    "kaufbereit": ("qualified",),
    "prasentation geplant": ("presentation", "proposal"),
    "entscheider uberzeugt": ("decision", "negotiation"),
    "entscheidungstrager uberzeugt": ("decision", "negotiation"),
    "vertrag gesendet": ("contract", "negotiation"),
    "vertrag versendet": ("contract", "negotiation"),
    # Pipedrive
    "lead in": ("lead", "new"),
    "contact made": ("verified",),
    "needs defined": ("qualified",),
    "demo scheduled": ("qualified",),
    "proposal made": ("proposal",),
    "negotiations started": ("negotiation",),
    # Dynamics 365 pipeline phases
    "qualify": ("qualified",),
    "develop": ("qualified",),
    "propose": ("proposal",),
    "close": ("negotiation",),
    # Odoo
    "proposition": ("proposal",),
    # Bitrix24 (after the "C6:" pipeline prefix is taken off)
    "preparation": ("verified",),
    "prepayment_invoice": ("proposal",),
    "prepayment invoice": ("proposal",),
    "executing": ("negotiation",),
    "final_invoice": ("negotiation",),
    "final invoice": ("negotiation",),
    # generic words, EN / DE / FR / ES
    "lead": ("lead", "new"),
    "identified": ("new",),
    "identify": ("new",),
    "new lead": ("lead", "new"),
    "neu": ("new",),
    "nouveau": ("new",),
    "nuevo": ("new",),
    "prospect": ("lead", "new"),
    "validated": ("verified",),
    "verify": ("verified",),
    "contacted": ("verified",),
    "kontaktiert": ("verified",),
    "contacte": ("verified",),
    "contactado": ("verified",),
    "verifiziert": ("verified",),
    "qualifiziert": ("qualified",),
    "qualifie": ("qualified",),
    "cualificado": ("qualified",),
    "calificado": ("qualified",),
    "angebot": ("proposal",),
    "angebot erstellt": ("proposal",),
    "angebot versendet": ("proposal",),
    "proposal sent": ("proposal",),
    "quote": ("proposal",),
    "quoted": ("proposal",),
    "quote sent": ("proposal",),
    "offre": ("proposal",),
    "devis": ("proposal",),
    "proposition envoyee": ("proposal",),
    "propuesta": ("proposal",),
    "oferta": ("proposal",),
    "cotizacion": ("proposal",),
    "verhandlung": ("negotiation",),
    "negociation": ("negotiation",),
    "negociacion": ("negotiation",),
    "in verhandlung": ("negotiation",),
    "qualifizierung": ("qualified",),
    "calificacion": ("qualified",),
    "cualificacion": ("qualified",),
    "erstkontakt": ("verified",),
    "erstgesprach": ("verified",),
    "first meeting": ("verified",),
    "kickoff": ("verified",),
    "first contact": ("verified",),
    "premier contact": ("verified",),
    "primer contacto": ("verified",),
    "discovery": ("qualified",),
    "decouverte": ("qualified",),
    "descubrimiento": ("qualified",),
    "bedarfsanalyse": ("qualified",),
    "analyse des besoins": ("qualified",),
    "analisis de necesidades": ("qualified",),
    "demo": ("qualified",),
    "demo completed": ("qualified",),
    "presentation": ("presentation", "proposal"),
    "vertrag": ("contract", "negotiation"),
    "contrat": ("contract", "negotiation"),
    "contrato": ("contract", "negotiation"),
    "contract": ("contract", "negotiation"),
}
