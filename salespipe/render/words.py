"""The words of the views, in the pipeline's language.

A view writes its English text through ``tr = words(loc.lang)``: ``tr("Stage")``,
``tr("{n} deals", n=...)``. The English text is the key; ``GERMAN`` holds its German form (a
test checks that every text a view passes to ``tr`` has one). Values are formatted by the
caller (``Locale``) before they are put in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

GERMAN: dict[str, str] = {
    # Lead list and card
    "ID": "Nr.",
    "Name": "Name",
    "Company": "Firma",
    "Organisation": "Organisation",
    "Person": "Person",
    "Stage": "Phase",
    "Value": "Wert",
    "Prob": "Wahrsch.",
    "Weighted": "Gewichtet",
    "Close": "Abschluss",
    "Days": "Tage",
    "Contact": "Kontakt",
    "E-mail": "E-Mail",
    "Phone": "Telefon",
    "Source": "Quelle",
    "Owner": "Verantwortlich",
    "Expected close": "Erw. Abschluss",
    "Lost reason": "Verlustgrund",
    "New/expansion": "Neu/Ausbau",
    "{new} new": "{new} neu",
    "{expansion} expansion": "{expansion} Ausbau",
    " ({share} of won)": " ({share} vom Gewonnenen)",
    "Kind": "Art",
    "new": "Neugeschäft",
    "upsell": "Upselling",
    "cross-sell": "Cross-Selling",
    "renewal": "Verlängerung",
    "Renews": "Verlängert",
    "Term": "Laufzeit",
    "Nurtured": "Geparkt",
    "until {until}": "bis {until}",
    "External id": "Externe ID",
    "Tags": "Tags",
    "Qualification": "Qualifizierung",
    "Created": "Angelegt",
    "Closed": "Abgeschlossen",
    "Next step": "Nächster Schritt",
    "{stage} [{key}], {n} day(s) in stage": "{stage} [{key}], {n} Tag(e) in der Phase",
    " (override)": " (abweichend)",
    "{value} at {prob} = {weighted} weighted": "{value} bei {prob} = {weighted} gewichtet",
    "unknown ({currency}), at {prob}": "unbekannt ({currency}), bei {prob}",
    "{met} met; {rest} not recorded": "{met} erfüllt; {rest} nicht erfasst",
    "{met} met": "{met} erfüllt",
    "{rest} not recorded": "{rest} nicht erfasst",
    " (a stand-in: the source had no created date)": " (ein Ersatz: die Quelle hatte kein Anlagedatum)",
    "on a date nobody recorded (left out of dated figures)": "an einem nicht erfassten Tag (fehlt in datierten Kennzahlen)",
    "{text} (task #{id}, due {due})": "{text} (Aufgabe #{id}, fällig {due})",
    "none: salespipe task add {id} TEXT --due DATE": "keiner: salespipe task add {id} TEXT --due DATUM",
    "Forecast": "Prognose",
    "Slip": "Verschiebung",
    "Pushed": "Verschoben",
    "{n}x": "{n}-mal",
    "Slipping: {n} open deals whose close date was pushed later{more}": "Verschoben: {n} offene Deals, deren Abschlusstermin nach hinten rückte{more}",
    "once": "einmal",
    "{n} times": "{n}-mal",
    "close date pushed {n}, {days} days later than first expected ({first})": "Abschlusstermin {n} verschoben, {days} Tage später als zuerst erwartet ({first})",
    "close date pushed {n}, now no later than first expected ({first})": "Abschlusstermin {n} verschoben, jetzt nicht später als zuerst erwartet ({first})",
    " (the deal's own)": " (eigene des Deals)",
    " (the stage's)": " (der Phase)",
    "commit": "Festgelegt",
    "best case": "Bester Fall",
    "pipeline": "Pipeline",
    "omitted": "Ausgelassen",
    "Timeline (newest first)": "Verlauf (neueste zuerst)",
    "When": "Wann",
    "What": "Was",
    "Note": "Notiz",
    "{old} -> {new}": "{old} -> {new}",
    "created in {stage}": "angelegt in {stage}",
    "task #{id} added": "Aufgabe #{id} angelegt",
    "task #{id} done": "Aufgabe #{id} erledigt",
    "call": "Anruf",
    "email": "E-Mail",
    "meeting": "Termin",
    "note": "Notiz",
    # Messages about leads and stage changes
    "Lead #{id} {title}: {old} -> {new}{backwards}.": "Lead #{id} {title}: {old} -> {new}{backwards}.",
    " (backwards)": " (zurück)",
    "Added lead #{id} {title} ({stage}).": "Lead #{id} {title} angelegt ({stage}).",
    "  Added task #{id} '{text}', due {due} (a rule).": "  Aufgabe #{id} '{text}' angelegt, fällig {due} (Regel).",
    "  Meets: {criteria}.": "  Erfüllt: {criteria}.",
    "  Marked done: {tasks}.": "  Erledigt: {tasks}.",
    "  Renewal created: #{id} {title}, expected to close {end}; task #{task} due {due}.": "  Verlängerung angelegt: #{id} {title}, erwarteter Abschluss {end}; Aufgabe #{task} fällig {due}.",
    "Lead #{id} {title} reopened from {lost} into {stage}.": "Lead #{id} {title} aus {lost} wieder geöffnet, in {stage}.",
    "Lead #{id} {title} nurtured until {until} (out of the pipeline until then).": "Lead #{id} {title} geparkt bis {until} (bis dahin außerhalb der Pipeline).",
    "Lead #{id} {title}: nurture ended, back in {stage}.": "Lead #{id} {title}: Parken beendet, zurück in {stage}.",
    "  Task #{id} {text}, due {due}.": "  Aufgabe #{id} {text}, fällig {due}.",
    "  Still open: {tasks} (close --yes marks them done; salespipe task done ID).": "  Noch offen: {tasks} (close --yes erledigt sie; salespipe task done ID).",
    "No leads match.": "Keine passenden Leads.",
    # Tasks
    "Due": "Fällig",
    "Lead": "Lead",
    "Task": "Aufgabe",
    "Status": "Status",
    "done": "erledigt",
    "open": "offen",
    "OVERDUE": "ÜBERFÄLLIG",
    "No tasks.": "Keine Aufgaben.",
    "Added task #{id} (lead #{lead}): {text}, due {due}.": "Aufgabe #{id} angelegt (Lead #{lead}): {text}, fällig {due}.",
    "Done: task #{id} (lead #{lead}): {text}, due {due}.": "Erledigt: Aufgabe #{id} (Lead #{lead}): {text}, fällig {due}.",
    "Snoozed task #{id} (lead #{lead}): {text}, due {due}.": "Aufgabe #{id} verschoben (Lead #{lead}): {text}, fällig {due}.",
    "Updated task #{id} (lead #{lead}): {text}, due {due}.": "Aufgabe #{id} geändert (Lead #{lead}): {text}, fällig {due}.",
    # The day's agenda
    "Today, {date}": "Heute, {date}",
    "Overdue tasks": "Überfällige Aufgaben",
    "Due today": "Heute fällig",
    "No tasks due.": "Keine Aufgaben fällig.",
    "no next step": "kein nächster Schritt",
    "stale": "liegt brach",
    "closes": "Abschluss",
    "closes {date}": "Abschluss {date}",
    "late (was {date})": "verspätet (war {date})",
    "Deals to work first ({shown} of {total}, by priority)": "Zuerst bearbeiten ({shown} von {total}, nach Priorität)",
    "No deals need attention.": "Kein Deal braucht Aufmerksamkeit.",
    "Deal": "Deal",
    "Score": "Punkte",
    "Needs": "Braucht",
    "{n} without a next step": "{n} ohne nächsten Schritt",
    "{n} stale": "{n} liegen geblieben",
    "{n} closing this week or past their date": "{n} mit Abschluss diese Woche oder überfällig",
    "... and {n} more ({counts}): salespipe lead list --sort priority": "... und {n} weitere ({counts}): salespipe lead list --sort priority",
    "Score: the priority score; salespipe why ID explains it.": "Punkte: der Prioritätswert; salespipe why NR erklärt ihn.",
    # The report
    "n/a": "k. A.",
    "{n} deal": "{n} Deal",
    "{n} deals": "{n} Deals",
    "all time": "gesamter Zeitraum",
    "custom": "eigener Zeitraum",
    "this month": "dieser Monat",
    "last month": "letzter Monat",
    "this quarter": "dieses Quartal",
    "last quarter": "letztes Quartal",
    "this year": "dieses Jahr",
    "last year": "letztes Jahr",
    "last 30 days": "letzte 30 Tage",
    "last 90 days": "letzte 90 Tage",
    "{label} ({since} to {until})": "{label} ({since} bis {until})",
    "Pipeline report, {date}, {currency}": "Pipeline-Bericht, {date}, {currency}",
    "Won/lost: {period}": "Gewonnen/verloren: {period}",
    "Rates, funnel: {period}": "Quoten, Trichter: {period}",
    "Note: {n} lead(s) in other currencies are not in these {currency} figures (report --currency CODE "
    "shows them).": "Hinweis: {n} Lead(s) in anderen Währungen fehlen in diesen {currency}-Zahlen (report "
    "--currency CODE zeigt sie).",
    "{n} won": "{n} gewonnene",
    "{n} lost": "{n} verlorene",
    " and ": " und ",
    "Note: {which} deal(s) without a close date are left out of won/lost per period, the sales cycle "
    "and velocity (they count in --period all).": "Hinweis: {which} Deal(s) ohne Abschlussdatum fehlen in Gewonnen/Verloren je Zeitraum, im "
    "Verkaufszyklus und in der Geschwindigkeit (sie zählen in --period all).",
    "Note: {n} closed deal(s) without a created date are left out of the sales cycle.": "Hinweis: {n} abgeschlossene Deal(s) ohne Anlagedatum fehlen im Verkaufszyklus.",
    "Note: {n} deal(s) have no value (unknown, not 0); value figures leave them out.": "Hinweis: {n} Deal(s) haben keinen Wert (unbekannt, nicht 0); Wertzahlen lassen sie aus.",
    "Open pipeline": "Offene Pipeline",
    "weighted {value}": "gewichtet {value}",
    "Won": "Gewonnen",
    "avg deal {value}": "Ø Deal {value}",
    "Lost": "Verloren",
    "Win rate": "Gewinnquote",
    "{by_count} by count, {by_value} by value": "{by_count} nach Anzahl, {by_value} nach Wert",
    "({won} won, {lost} lost)": "({won} gewonnen, {lost} verloren)",
    "Sales cycle": "Verkaufszyklus",
    "{mean} days mean, {median} median": "{mean} Tage im Mittel, {median} Median",
    "(created to won)": "(Anlage bis Gewinn)",
    "Velocity": "Geschwindigkeit",
    "no deals closed in the rates period": "kein Deal im Quotenzeitraum abgeschlossen",
    "no deals won in the rates period": "kein Deal im Quotenzeitraum gewonnen",
    "no sales cycle to divide by": "kein Verkaufszyklus zum Teilen",
    "{value} per day": "{value} pro Tag",
    "= {open} x {size} x {rate} / {days} days": "= {open} x {size} x {rate} / {days} Tage",
    "Sales velocity": "Verkaufsgeschwindigkeit",
    "  open deals (all open stages)": "  offene Deals (alle offenen Phasen)",
    "  x average deal size (won, rates period)": "  x Ø Dealgröße (gewonnen, Quotenzeitraum)",
    "  x win rate (rates period)": "  x Gewinnquote (Quotenzeitraum)",
    "  / sales cycle, days (mean, won deals)": "  / Verkaufszyklus, Tage (Mittel, gewonnene Deals)",
    "Nothing to compute: {why}.": "Nichts zu berechnen: {why}.",
    "Pipeline by stage": "Pipeline nach Phase",
    "Deals": "Deals",
    "Share": "Anteil",
    "Funnel: deals created {period}": "Trichter: Deals angelegt {period}",
    "Reached": "Erreicht",
    "Next": "Weiter",
    "Won from here": "Gewonnen ab hier",
    "{rate} (set {prob})": "{rate} (Soll {prob})",
    "! {stage}: {rate} of deals that reached it were won, {points} points {direction} its configured {prob}.": "! {stage}: {rate} der Deals, die sie erreichten, wurden gewonnen, {points} Punkte {direction} "
    "der eingestellten {prob}.",
    "above": "über",
    "below": "unter",
    "? fewer than 20 deals reached {stages}: too few to judge the configured probability.": "? weniger als 20 Deals erreichten {stages}: zu wenige, um die eingestellte Wahrscheinlichkeit "
    "zu beurteilen.",
    "Time in stage (days; deals still there count the time so far)": "Zeit in der Phase (Tage; Deals, die noch dort sind, zählen die Zeit bis jetzt)",
    "Still there": "Noch dort",
    "Mean": "Mittel",
    "Median": "Median",
    "Sales cycle of won deals: n/a (no deals won in the rates period).": "Verkaufszyklus gewonnener Deals: k. A. (kein Deal im Quotenzeitraum gewonnen).",
    "Sales cycle of won deals: {mean} days mean, {median} median.": "Verkaufszyklus gewonnener Deals: {mean} Tage im Mittel, {median} Median.",
    "Deals wait longest in {stage}: {days} days (median) over {n} deals.": "Deals warten am längsten in {stage}: {days} Tage (Median) über {n} Deals.",
    "The weakest step is {stage} to {next}: {rate} of {n} deals get through.": "Der schwächste Schritt ist {stage} zu {next}: {rate} von {n} Deals kommen durch.",
    "Not enough history to name a bottleneck yet.": "Noch zu wenig Verlauf, um einen Engpass zu nennen.",
    "Needs attention": "Braucht Aufmerksamkeit",
    "Stale: {n} open deals idle past their stage's limit{more}": "Liegen geblieben: {n} offene Deals über der Frist ihrer Phase{more}",
    "Past expected close: {n} open deals{more}": "Über dem erwarteten Abschluss: {n} offene Deals{more}",
    ", the {n} biggest": ", die {n} größten",
    "Idle": "Ruht",
    "Late": "Verspätet",
    "Nothing: no stale deals, none past its expected close date.": "Nichts: keine liegen gebliebenen Deals, keiner über seinem erwarteten Abschluss.",
    # Targets
    "Target {period} ({since} to {until})": "Ziel {period} ({since} bis {until})",
    "Won so far": "Bisher gewonnen",
    "{won} of {goal} ({progress}), {deals}": "{won} von {goal} ({progress}), {deals}",
    " of {n}": " von {n}",
    "Gap": "Lücke",
    ", {n} days left": ", noch {n} Tage",
    ", period over": ", Zeitraum vorbei",
    "Expected to close": "Erwarteter Abschluss",
    "{deals}, {value} (weighted {weighted})": "{deals}, {value} (gewichtet {weighted})",
    "Coverage": "Abdeckung",
    "{n}x the gap": "{n}-fache Lücke",
    "Pace needed": "Nötiges Tempo",
    "{value} per week": "{value} pro Woche",
    "Leads needed": "Nötige Leads",
    "{n} = gap {gap} / avg deal {size} / lead-to-win {rate}": "{n} = Lücke {gap} / Ø Deal {size} / Lead-zu-Gewinn {rate}",
    "Warning: {text}": "Warnung: {text}",
    "thin history: {created} deals created 90+ days ago, {won} of them won; leads needed is a rough "
    "guess until there are {min_created}+ deals and {min_won}+ wins": "dünner Verlauf: {created} Deals vor 90+ Tagen angelegt, {won} davon gewonnen; die nötigen Leads "
    "sind eine grobe Schätzung, bis es {min_created}+ Deals und {min_won}+ Gewinne gibt",
    "Period": "Zeitraum",
    "Goal": "Ziel",
    "Progress": "Fortschritt",
    # Breakdown
    "By {by}: deals created, won and lost {period}": "Nach {by}: Deals angelegt, gewonnen und verloren {period}",
    "Won value": "Gewonnener Wert",
    "No deals in this period.": "Keine Deals in diesem Zeitraum.",
    "(none)": "(keine)",
    "source": "Quelle",
    "tag": "Tag",
    "lost-reason": "Verlustgrund",
    "stage": "Phase",
    "company": "Firma",
    # Forecast
    "Forecast, {period}, {currency}": "Prognose, {period}, {currency}",
    "Target reached: {won} won of the {goal} target.": "Ziel erreicht: {won} gewonnen vom Ziel {goal}.",
    "Nothing open is expected to close in this period; won so far {won}.": "Kein offener Deal wird in diesem Zeitraum erwartet; bisher gewonnen {won}.",
    "{chance} chance to reach the {goal} target (median {p50}).": "{chance} Chance, das Ziel von {goal} zu erreichen (Median {p50}).",
    "Median {p50}: 1 in 10 runs ends below {p10}, 1 in 10 above {p90}.": "Median {p50}: 1 von 10 Läufen endet unter {p10}, 1 von 10 über {p90}.",
    "Open": "Offen",
    "{deals}, {value}; weighted {weighted} in the period": "{deals}, {value}; gewichtet {weighted} im Zeitraum",
    "{p50} median (P50); P10 {p10}, P90 {p90}": "{p50} Median (P50); P10 {p10}, P90 {p90}",
    "Target": "Ziel",
    "{goal} ({period}), {gap} to go; reached in {chance} of the runs": "{goal} ({period}), noch {gap}; erreicht in {chance} der Läufe",
    "Probabilities": "Wahrscheinlichkeiten",
    "learned from the {n} most recently closed deals ({won} won)": "gelernt aus den {n} zuletzt abgeschlossenen Deals ({won} gewonnen)",
    "configured (as asked; --probabilities learned uses the history)": "eingestellt (wie verlangt; --probabilities learned nutzt den Verlauf)",
    "configured: {n} closed deal(s) ({won} won) are too few to learn from": "eingestellt: {n} abgeschlossene(r) Deal(s) ({won} gewonnen) sind zu wenige zum Lernen",
    "Close dates": "Abschlusstermine",
    "no slip history: no slip assumed": "keine Verschiebungen im Verlauf: keine Verschiebung angenommen",
    "slip drawn from the recorded close dates of {n} won deals (median {days} days)": "Verschiebung gezogen aus den erfassten Abschlussterminen von {n} gewonnenen Deals (Median {days} Tage)",
    "too little slip history ({n} won deal(s) with recorded close dates, {needed} needed): no slip assumed": "zu wenig Verlauf ({n} gewonnene(r) Deal(s) mit erfassten Abschlussterminen, {needed} nötig): keine "
    "Verschiebung angenommen",
    "Month": "Monat",
    "Week": "Woche",
    "Commit": "Festgelegt",
    "Best case": "Bester Fall",
    "Pipeline": "Pipeline",
    "Commit and best case: their deals' values; pipeline: weighted; expected: won plus what the open deals are "
    "expected to add (the mean of the runs, not the median above), close dates as above.": "Festgelegt und bester "
    "Fall: die Werte ihrer Deals; Pipeline: gewichtet; erwartet: Gewonnenes plus was die offenen Deals "
    "erwartungsgemäß beitragen (der Mittelwert der Läufe, nicht der Median oben), Abschlusstermine wie oben.",
    "Expected": "Erwartet",
    "{n} deal(s) in the omit category are left out.": "{n} Deal(s) der Kategorie Ausgelassen fehlen.",
    "{n} open deal(s) without a value are left out.": "{n} offene(r) Deal(s) ohne Wert fehlen.",
    "{n} open deal(s) in other currencies are left out (--currency CODE forecasts them).": "{n} offene(r) Deal(s) in anderen Währungen fehlen (--currency CODE rechnet mit ihnen).",
    "{n} open deal(s) without an expected close date are left out: no deal won from their stage shows how long "
    "they take.": "{n} offene(r) Deal(s) ohne erwarteten Abschluss fehlen: kein aus ihrer Phase gewonnener Deal "
    "zeigt, wie lange sie brauchen.",
    "{runs} runs, seed {seed} (--seed {seed} repeats them).": "{runs} Läufe, Startwert {seed} (--seed {seed} wiederholt sie).",
    "The {exact} deals that move the total most are drawn one by one, the other {rest} (each at most {share} of "
    "their sum's spread) as the normal distribution of their sum.": "Die {exact} Deals, die die Summe am meisten bewegen, werden einzeln gezogen, die übrigen {rest} (jeder "
    "höchstens {share} der Streuung ihrer Summe) als Normalverteilung ihrer Summe.",
    "{p50} median (P50)": "{p50} Median (P50)",
    "{n} open deal(s), {value}, are past their expected close date and counted as closing "
    "today (no slip history yet): give them new dates (salespipe lead list --sort close-date).": (
        "{n} offene(r) Deal(s), {value}, liegen nach dem erwarteten Abschluss und zählen als heute "
        "abgeschlossen (noch keine Verzugsdaten): neue Termine setzen (salespipe lead list --sort close-date)."
    ),
    "{chance} to reach {goal}": "{chance} für das Ziel {goal}",
    "{p10} to {p90}": "{p10} bis {p90}",
    "(P10 to P90)": "(P10 bis P90)",
    "Forecast: {runs} runs seeded by the date; salespipe forecast has more.": "Prognose: {runs} Läufe, mit dem Datum als Startwert; salespipe forecast rechnet mehr.",
    # Backtest
    "Backtest, {start} to {end}, {currency}: the forecast made at each period's start against what was won": "Rückblick, {start} bis {end}, {currency}: die Prognose zu Beginn jedes Zeitraums gegen das Gewonnene",
    "Weighted, configured": "Gewichtet, eingestellt",
    "Weighted, learned": "Gewichtet, gelernt",
    "Monte Carlo P50": "Monte Carlo P50",
    "Method": "Methode",
    "Error": "Fehler",
    "Bias": "Verzerrung",
    "Error (deals)": "Fehler (Deals)",
    "Bias (deals)": "Verzerrung (Deals)",
    "P50": "P50",
    "P10–P90": "P10–P90",
    "Predicted": "Vorhergesagt",
    "Deals, configured": "Deals, eingestellt",
    "Won, configured": "Gewonnen, eingestellt",
    "Deals, learned": "Deals, gelernt",
    "Won, learned": "Gewonnen, gelernt",
    "Error: the mean absolute percentage error (MAPE) over the periods with a win; bias: the forecasts' sum "
    "against the actual sum (above 0: too high); (deals): the same by the number of deals won.": "Fehler: die mittlere "
    "absolute prozentuale Abweichung (MAPE) über die Zeiträume mit einem Gewinn; Verzerrung: die Summe der Prognosen "
    "gegen die tatsächliche Summe (über 0: zu hoch); (Deals): dasselbe nach der Zahl gewonnener Deals.",
    "The actual fell in P10–P90 in {value} of the periods by value, {count} by number of deals (✗: not).": "Das "
    "Ergebnis lag in {value} der Zeiträume nach Wert in P10–P90, in {count} nach Zahl der Deals (✗: nicht).",
    "Brier score of the {n} deal forecasts (each open deal's chance to be won in the period): {configured} "
    "configured, {learned} learned (0 is perfect; always 50 % scores 0.25). Predicted: each deal's chance, "
    "against the share won.": "Brier-Score der {n} Deal-Prognosen (die Chance jedes offenen Deals, im Zeitraum "
    "gewonnen zu werden): {configured} eingestellt, {learned} gelernt (0 ist perfekt; immer 50 % ergibt 0,25). "
    "Vorhergesagt: die Chance jedes Deals, gegen den gewonnenen Anteil.",
    "{n} deal(s) open at a snapshot were lost later with a value of 0 that no recorded change set: their "
    "values seem known only at the close, so the value figures use values nobody knew then; the deal "
    "counts do not.": "{n} zu einem Stichtag offene(r) Deal(s) gingen später mit dem Wert 0 verloren, den keine "
    "erfasste Änderung setzte: ihre Werte scheinen erst beim Abschluss bekannt, also nutzen die Wertzahlen Werte, "
    "die damals niemand kannte; die Zahlen der Deals nicht.",
    "Each period is forecast from just before its first day: the deals, values and close dates of then, "
    "probabilities learned from the deals closed by then; {runs} runs, seed {seed}.": "Jeder Zeitraum wird von "
    "kurz vor seinem ersten Tag aus prognostiziert: Deals, Werte und Abschlusstermine von damals, "
    "Wahrscheinlichkeiten gelernt aus den bis dahin abgeschlossenen Deals; {runs} Läufe, Startwert {seed}.",
    # Forecast accuracy
    "Forecast accuracy, {currency}: the stored snapshots against what was won": "Prognosegenauigkeit, {currency}: "
    "die gespeicherten Stände gegen das Gewonnene",
    "Taken": "Erstellt",
    "No snapshot's period has ended yet.": "Noch kein Zeitraum eines Stands ist abgelaufen.",
    "pending": "offen",
    "Over the {n} snapshot(s) of ended periods: error (MAPE) {p50} for the P50, {weighted} for the weighted "
    "forecast; bias {bias_p50} and {bias_weighted} (above 0: too high); the actual fell in P10–P90 in "
    "{coverage} (✗: not).": "Über die {n} Stände abgelaufener Zeiträume: Fehler (MAPE) {p50} für den P50, "
    "{weighted} für die gewichtete Prognose; Verzerrung {bias_p50} und {bias_weighted} (über 0: zu hoch); das "
    "Ergebnis lag in {coverage} in P10–P90 (✗: nicht).",
    "Weighted: won by the snapshot plus the open deals' weighted value; Error: the P50's against what was "
    "won; pending: the period has not ended.": "Gewichtet: bis zum Stand gewonnen plus der gewichtete Wert der "
    "offenen Deals; Fehler: der des P50 gegen das Gewonnene; offen: der Zeitraum ist nicht abgelaufen.",
    "{n} snapshot(s) in other currencies are left out (--currency CODE shows them).": "{n} Stand/Stände in "
    "anderen Währungen fehlen (--currency CODE zeigt sie).",
    # Stage probabilities
    "Configured": "Eingestellt",
    "Learned": "Gelernt",
    "Interval": "Intervall",
    "History": "Verlauf",
    "Learned from the {n} most recently closed deals ({won} won): a stage's chance to end won, from the moves "
    "deals made from it (History), shrunk toward the configured value as if that were {k} more deals; the "
    "interval holds 8 in 10 of the likely values.": "Gelernt aus den {n} zuletzt abgeschlossenen Deals ({won} gewonnen): die Chance einer Phase, gewonnen zu "
    "enden, aus den Schritten der Deals von dort (Verlauf), zum eingestellten Wert hin gezogen, als wäre er "
    "{k} weitere Deals; das Intervall enthält 8 von 10 der wahrscheinlichen Werte.",
    "Too few closed deals to rely on: salespipe forecast uses the configured ones.": "Zu wenige abgeschlossene Deals, um sich darauf zu verlassen: salespipe forecast nimmt die eingestellten.",
    # The customer journey (render.journey): AIDA as German marketing says it
    "Awareness": "Aufmerksamkeit",
    "Interest": "Interesse",
    "Desire": "Verlangen",
    "Action": "Handlung",
    "Retention": "Kundenbindung",
    "Advocacy": "Weiterempfehlung",
    "Phase": "Journey-Phase",
    "Organisations": "Organisationen",
    "Reached on": "Erreicht am",
    "Customer journey on {day}: {n} organisation(s)": "Customer Journey am {day}: {n} Organisation(en)",
    "{n} in no phase: no deal yet, or only deals lost before any phase.": "{n} in keiner Phase: noch kein Deal, "
    "oder nur Deals, die vor jeder Phase verloren wurden.",
    "{org} (#{id}): {phase} on {day}": "{org} (#{id}): {phase} am {day}",
    "in no phase": "in keiner Phase",
    # Customers and surveys
    "NPS": "NPS",
    "no survey answers in the rates period": "keine Umfrageantworten im Quotenzeitraum",
    "{nps} points": "{nps} Punkte",
    "({n} answers)": "({n} Antworten)",
    "Referred": "Empfohlen",
    "{days} days": "{days} Tage",
    "{rate} won, {cycle}": "{rate} gewonnen, {cycle}",
    "(others {rate} won, {cycle})": "(andere {rate} gewonnen, {cycle})",
    "Since": "Kunde seit",
    "Lifetime value": "Umsatz gesamt",
    "Last won": "Zuletzt gewonnen",
    "Check-in": "Nachfassen",
    "Referrals": "Empfehlungen",
    "Risk": "Risiko",
    "no touch for {days}+ days": "seit {days}+ Tagen kein Kontakt",
    "score fell {before}→{now}": "Bewertung fiel {before}→{now}",
    "* won deals in other currencies are counted, not summed": "* gewonnene Deals in anderen Währungen werden "
    "gezählt, nicht summiert",
    "No customers yet (a customer is an organisation with a won deal).": "Noch keine Kunden (ein Kunde ist eine "
    "Organisation mit einem gewonnenen Deal).",
    "No customer at risk (none untouched for {days} days, none with a falling score).": "Kein Kunde gefährdet "
    "(keiner ohne Kontakt seit {days} Tagen, keiner mit fallender Bewertung).",
    "No ambassadors yet (customers who referred a deal: lead add ... --referred-by ORG).": "Noch keine "
    "Botschafter (Kunden, die einen Deal empfohlen haben: lead add ... --referred-by ORG).",
    "No ambassador at risk.": "Kein Botschafter gefährdet.",
    "Date": "Datum",
    "Group": "Gruppe",
    "promoter": "Promotor",
    "passive": "Passiver",
    "detractor": "Kritiker",
    "No survey answers yet (salespipe survey ORG --score 0..10).": "Noch keine Umfrageantworten (salespipe "
    "survey ORG --score 0..10).",
    "Recorded survey #{id}: {org} scored {score} ({group}) on {day}.": "Umfrage #{id} erfasst: {org} gab "
    "{score} Punkte ({group}) am {day}.",
}

Words = Callable[..., str]


def words(lang: str) -> Words:
    """``tr(text, **values)``: ``text`` in ``lang`` with ``values`` put in (``str.format``)."""
    table = GERMAN if lang == "de" else {}

    def tr(text: str, /, **values: Any) -> str:
        chosen = table.get(text, text)
        return chosen.format(**values) if values else chosen

    return tr
