#!/usr/bin/env python3
"""Writes the Brightline sample workspace's sources: `python data/sample/generate.py` (from any folder).

Deterministic (random.Random(20261031), no wall clock, standard library only): every run rewrites
data/sample/sources/ and data/sample/planted.json byte for byte. Brightline, its customers, staff, towns and
every sentence below are fictional, written for this project. What is planted is listed in PLANTED.md.

Templates: `[a|b|c]` picks one alternative, `{slot}` draws from the voice's slots (or a value fixed by the caller).

Two voices write the texts: English (the tables below) and Italian (italian.py, Brightline Italia's slice).
The composers write in the current voice `V`; `speaking(ITALIAN)` switches the phrase tables and the random
stream together, so the Italian slice draws from its own seeded stream and leaves the English files as they are.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import struct
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import italian

HERE = Path(__file__).resolve().parent
OUT = HERE / "sources"
END = datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)
START = datetime(2026, 8, 3, tzinfo=UTC)  # day 0 of the 90 days before END
SEP1, OUTAGE = 29, 83  # day numbers (0 = START): 1 September, 25 October (the Northgate outage)
BST_ENDS = datetime(2026, 10, 25, 1, tzinfo=UTC)  # UK clocks go back
rng = random.Random(20261031)

SOURCES = ("nps", "csat", "ces", "tickets", "chats", "calls")
CHANNELS = {"nps": "nps_email", "csat": "web_chat", "ces": "web_survey", "tickets": "support_email",
            "chats": "web_chat", "calls": "phone"}
SIZES = {"nps": 1492, "csat": 599, "ces": 300, "tickets": 500, "chats": 262, "calls": 120}  # + planted bad items

# ---------------------------------------------------------------------------------------------- phrase tables

SLOTS = {k: v.split("|") for k, v in {
    "town": "Ashbury|Millbrook|Kestrel Green|Harrowfield|Lowther Bay|Stanmere|Fernley|Oakhurst|Redcastle|Wyndham Cross|Calder Rise|Eastwick",
    "window": "8am-1pm|8-12|1pm-6pm|12-4|morning|afternoon|7am-11am",
    "day": "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|the 14th|the 21st|last Tuesday|the 3rd",
    "amount": "£27.99|£29.50|£31.00|£33.25|£34.99|£36.50|£38.50|£39.99|£42.00|£44.75",
    "amount2": "£52.00|£54.99|£57.50|£61.25|£64.00|£68.40|£71.99|£76.50",
    "fee": "£4.99|£5.00|£7.50|£8.00|£10.00|£12.00|£15.00", "rise": "£6|£7.50|£8|£9.25|£11|£12.75|£14|£16",
    "setupfee": "£25|£29.99|£35|£49.99|£60", "plan": "Fibre 150|Fibre 500|Fibre 500|Fibre 900",
    "low": "18|23|31|38|44|52|60|67|75|89", "n": "two|three|four|2|3", "n2": "12|27|5|41|8|19",
    "mins": "35|40|42|45|50|55|58|65|70|80|95", "days": "3|4|5|6|8|9|10|12|14", "weeks": "two|three|four|six",
    "time": "7pm|7.30|8pm|8 o'clock|half eight|9pm|about 8", "months": "12|18|24", "years": "3|4|5|6|8|10",
    "device": "laptop|work laptop|TV|smart TV|console|kids' tablets|phone", "router": "Brightline Hub 3|Hub 3|hub|router",
    "friend": "my neighbour|a friend|my sister|a colleague|my brother-in-law|my fiancé|our landlord|a mate from work",
    "refcredit": "£50|£50|£75", "ord": "2nd|3rd|4th|5th|8th", "simprice": "£8|£10|£12|£15", "small": "£3|£4|£5|£6",
    "flat": "Flat 3B|Flat 12|Apartment 4|Flat 2/1|Flat C|Unit 7", "pos": "14|23|31|47", "hours": "36|48|50|60|72",
    "street": "Wren Close|Mallard Way|Orchard Rise|Quarry Lane|Sycamore Court|Heron Walk|Tanners Row",
    "wrongaddr": "next door|number 41 instead of 14|my old flat|the house across the road|a house on the next street|the wrong block",
    "odate": "Sunday|the 25th|Sunday morning|the weekend|Sunday night", "comp": "£10|£15|£20|£30",
    "month": "August|September|October", "team": "billing|technical|field|home move|loyalty",
    "agent": "Priya|Marcus|Jodie|Kieran|Leanne|Sam|Noor|Gareth|Becca|Tomasz",
    "first": "Sarah|Tom|Aisha|Daniel|Megan|Kwame|Hannah|Oliver|Fatima|Liam|Chloe|Ravi|Grace|Owen|Zara|Ethan|Nadia|Callum|Imogen|Tariq|Eleanor|Joel|Renée|Maya",
    "last": "Okafor|Hennessy|Marsh|Delaney|Fenwick|Calloway|Brannigan|Whitlock|Osei|Lindqvist|Carraway|Pennington|Quayle|Thorne|Abernethy|Kowalczyk|Moreau|Ashdown",
}.items()}

THEMES: dict[str, dict] = {}


def theme(stage, kind, name, keywords, volumes, core, more, short, agent, *, registry=THEMES, sources=SOURCES, **traits):
    """volumes: items per source, in `sources` order (English: nps csat ces tickets chats calls). traits: nps (the
    NPS scores its respondents give), evening (written mostly in the evening), same_amount (one amount per item,
    charged twice), mirrors (the English theme an Italian one tells in other words)."""
    def lines(block: str) -> list[str]:
        return [s.strip() for s in block.strip().split("\n") if s.strip()]

    registry[name] = {"stage": stage, "kind": kind, "name": name, "keywords": keywords,
                      "volumes": dict(zip(sources, map(int, volumes.split()), strict=True)),
                      "core": lines(core), "more": lines(more), "short": lines(short), "agent": lines(agent), **traits}


theme("discover", "pain_point", "availability_checker_confusing", ["checker", "postcode", "available", "address"], "20 15 0 5 20 0", """
Your [availability|postcode] checker says fibre [isn't available|is not available] at my address but half my street [has it|is already with you].
The postcode checker [keeps giving|gave] me a different [speed|answer] every time I [tried|checked].
Tried to check if you cover {town} and the availability checker [just spins|errors out|says try again later].
Website said Fibre 500 was available at my postcode, then the checker on the next page said only Fibre 150.
Couldn't tell from the checker whether my [flat|address] was actually covered or not.
The checker shows my address as 'coming soon' [and has done for months|since the spring].
Why does the postcode checker list every address on my road except mine?
[Spent ages|Wasted an evening] comparing [providers|deals] because your checker wouldn't confirm my address was available.""", """
[Ended up|I had to] ring the sales line just to find out.
Nearly went with someone else because of it.
Really off-putting when you're just trying to compare.
The neighbours at number {n2} have Fibre 500 so it clearly reaches us.
Please fix the checker, it's the first thing people see.""", """
checker says not available??
postcode checker is useless
availability checker confusing
checker wouldn't recognise my address""", """
I'm sorry the checker gave you conflicting results. I've checked your address manually and Fibre 500 is available there.
Thanks for flagging this. Some new addresses take a few weeks to appear in the checker; I've confirmed your line can take our full fibre plans.
Apologies for the confusion. I've passed your address to our network data team so the checker shows the right speeds.""")

theme("discover", "pain_point", "hidden_costs_when_comparing", ["setup fee", "price", "website", "upfront"], "20 5 0 5 10 0", """
The {setupfee} setup fee [wasn't shown|only appeared] until [the last step|checkout], [not on the comparison page|nowhere on the website].
The price on your website [didn't include|left out] router postage and the setup fee.
[Hard|Impossible] to work out the real monthly price from your website when comparing providers.
The advertised price was {amount} but once you add the setup fee it's [more like|nearer] {amount2} in the first month.
Why is there an upfront [setup fee|fee] [nobody mentions|hidden in the small print] on the website?
The comparison table on your website [hides|buries] the setup fee in a tooltip.
[Your|The] website headline price and the price at checkout [don't match|are different].""", """
Just be upfront about it.
Made me trust the rest of the price less.
Other providers show one total price.
I only noticed because I read the small print.""", """
hidden setup fee
price on website misleading
upfront fee not shown""", """
I'm sorry the setup fee wasn't clear. It's {setupfee} for new lines and is waived on 24 month plans; I've fed this back to our web team.
Thanks for your message. The price shown includes the router, but you're right that postage and setup appear later. I've passed this on.""")

theme("discover", "motivation", "price_lock_guarantee", ["price lock", "guarantee", "fixed", "price"], "70 0 0 0 0 0", """
[Chose|Picked|Went with] Brightline because of the price lock guarantee, no [mid-contract|annual] price rises.
The price lock [was the deciding factor|sold it for me|is why I switched].
[Love|Really like] that the price is fixed for {months} months, no nasty surprises every April.
Every other provider puts the price up each spring; the Brightline price lock guarantee means mine won't.
Knowing the price [is locked|stays fixed] for the whole contract makes budgeting easy.
The price lock guarantee [is brilliant|is a great idea|is honest], [wish more companies did it|more firms should copy it].
[Compared a few providers|Shopped around] and only you [guaranteed|locked] the price for the full term.""", """
Fair and simple.
Exactly what I wanted.
That's rare these days.
Told my parents to switch for the same reason.
Would recommend on that alone.""", """
price lock!
the price lock guarantee
Fixed price, no surprises""", """
Yes, the price lock guarantee covers the whole minimum term, so your monthly price won't change until the contract ends.
Great question: with the price lock the price you sign up at is the price you pay for the full contract, no annual rises.""")

theme("discover", "motivation", "fast_speeds_gaming_wfh", ["gaming", "working from home", "speed", "upload"], "60 0 0 0 0 0", """
[Needed|Wanted] [proper|fast] upload speed for working from home and {plan} delivers.
Switched for the speed: [online gaming with no lag|my ping in games is so much lower] now.
I work from home [three|four] days a week and chose you for the speed, video calls never freeze.
[Picked|Chose] you because your speeds [were the fastest|beat everyone] in {town}, and I'm gaming and working from home.
[Signed up|Joined] for the upload speed - working from home with big files was painful before.
[My son|My daughter|I] [game|games] online and the speed was the main reason we switched to you.
Fast enough for [two of us working from home|gaming and streaming] at once, which is why we picked you.""", """
Worth every penny.
Best decision this year.
Massive improvement on our old provider.
I run a little café from home too and the card machine is happier.""", """
speed for gaming
fast upload for WFH
the speeds, for gaming""", """
{plan} gives you symmetrical upload speeds, so it's a good fit for working from home and gaming.
Yes, all our fibre plans include a low-latency gaming mode in the Hub 3 settings.""")

theme("buy", "pain_point", "checkout_rejected_address", ["checkout", "address", "rejected", "order"], "15 20 0 20 30 0", """
Checkout [keeps rejecting|rejected|won't accept] my address even though the checker said it was fine.
Tried to order {n} times and the address step [fails every time|says 'address not recognised'].
My flat is {flat} but checkout only lists the building, so it [rejects|bounces] the order.
New build on {street}, and checkout says the address [doesn't exist|isn't valid].
The order [failed|wouldn't go through] at the address step, [had to give up|gave up after an hour].
The online checkout [rejected|refuses] my address because of the [flat number|house name].
Got to the final step of checkout and the order was rejected over my address.""", """
I had to [phone|use chat] to finish the order.
Nearly gave up and went elsewhere.
Very frustrating when you're trying to give someone money.
Same thing on my phone and laptop.""", """
checkout rejected my address
address not recognised at checkout
couldn't order online, address rejected""", """
I'm sorry checkout wouldn't accept your address. I've placed the order for you manually, and you'll get a confirmation email shortly.
Thanks for your patience. Flats sometimes need the exact building name; I've added {flat} to your order by hand.
Apologies for the trouble. I've logged the address with our web team so the next person at your building can order online.""")

theme("buy", "pain_point", "credit_check_declined", ["credit check", "declined", "reason", "SIM"], "10 12 0 8 12 0", """
My credit check [failed|was declined] and [nobody will|no one could] tell me [why|the reason].
Declined at the credit check for a [SIM only|mobile] plan and I've [never missed a payment|got a spotless credit history].
Application declined after the credit check with no reason [given|at all].
How would a {simprice} SIM fail a credit check?
Got an email saying my credit check was declined, [no explanation|just 'we can't proceed'].
The SIM order went through, then days later the credit check was declined without a reason.""", """
Had to send my ID twice.
Ended up paying upfront with someone else.
I just want to know the reason.""", """
credit check declined, no reason
declined for a SIM??
credit check failed""", """
I'm sorry the credit check was declined. We're not able to see the reason ourselves, but you can request it from the credit reference agency.
Apologies for the frustration. A declined check doesn't block you entirely: our SIM only plans can be paid upfront instead.""")

theme("buy", "motivation", "no_contract_flexibility", ["contract", "rolling", "flexibility", "30-day"], "50 15 0 0 0 0", """
[Love|Like] the no-contract option, the 30-day rolling plan [suits me|is perfect] as I rent.
[Signed up|Joined] because I didn't want to be tied into an 18 month contract.
The 30-day rolling contract [gives me flexibility|means I can leave any time], [so I went for it|which sold it].
No contract and no exit fees, [exactly what I wanted|that's why I chose you].
Renting means I move a lot, so the no-contract broadband was [the main reason|why I picked you].
The flexibility of a rolling contract is worth more to me than a small discount.""", """
Sign up took ten minutes.
Easy to sign up online.
Other providers wanted two years.""", """
no contract, love it
30-day rolling = flexibility
No contract!""", """
Yes, our 30-day rolling plans have no minimum term; you can cancel with 30 days' notice and no exit fee.
That's right, the rolling plan gives you the flexibility to leave at any time, and you can switch to a contract later for a lower price.""")

theme("buy", "motivation", "friend_recommendation", ["recommended", "referral", "friend", "recommendation"], "50 0 0 0 0 0", """
{friend} recommended Brightline and [they were right|I'm glad I listened].
Joined on a friend's recommendation; they've had no problems in [two|three] years.
Signed up with a referral from a friend, and we both got {refcredit} credit.
The referral credit was a nice bonus, but mainly {friend} recommended you.
Everyone on our street [recommended|is with] Brightline, so it was an easy choice.
{friend} [recommended|swore by] you, said the service was solid, and it is.""", """
Now I've referred my dad.
No regrets so far.
Word of mouth works.""", """
recommended by a friend
friend's recommendation
referral from a mate""", """
Thanks for joining through a referral! Your {refcredit} credit appears on your second bill.
I can see the referral code on your account, so the credit will be applied automatically for both of you.""")

theme("install", "pain_point", "missed_engineer_appointment", ["engineer", "appointment", "window", "no-show"], "35 0 60 35 0 8", """
The engineer [never turned up|didn't show up|was a no-show] for my {window} appointment on {day}.
Took a day off work for the {window} window and no engineer came, no call, no text, nothing.
[Second|Third] missed engineer appointment in a row.
The engineer appointment was [cancelled|moved] [the night before|on the morning] with no explanation.
Waited in all day for an engineer who never came, then got a text at 5.55pm saying the appointment was rescheduled.
You booked a {window} window and the engineer [rang at 5pm|turned up at 7pm] saying they couldn't do it today.
Still no broadband, {n} engineer appointments booked and [missed|no-shows] so far.
Your engineer missed the appointment and nobody [told me|let me know].""", """
I've used {n} days of annual leave waiting in.
Working from home on my phone hotspot in the meantime.
Just give me a firm time.
Had to rebook myself and the next slot is {days} days away.
Nobody at Brightline seems to talk to the engineers.""", """
engineer no-show
engineer didn't turn up x2
missed appointment window
No engineer. Again.""", """
I'm really sorry our engineer didn't make your appointment. I've raised this with the field team and booked a new {window} slot on {day}.
I'm sorry for the missed visit. I've added a {comp} credit to your account and marked the new appointment as priority.
Apologies that you waited in. Our engineer was delayed on an earlier job; the field team will call you before 9am to confirm the new visit.""")

theme("install", "pain_point", "router_delivery_late_or_wrong", ["router", "delivery", "courier", "hub"], "25 0 50 35 5 0", """
My {router} was delivered to {wrongaddr}.
The router [still hasn't arrived|never arrived] and my go-live date is {day}.
The courier [marked it as delivered|says delivered] but there's no router here.
Router delivery was {days} days late so I missed my switch-over date.
Got a [Hub 2|mesh disc] instead of the Brightline Hub 3 I ordered.
Tracking for the router delivery has been stuck at the depot for a week.
My old address was on the router delivery even though I changed it at sign up.
Had to [knock next door|chase the courier] to get my router back.""", """
No router means no internet, so great start.
The tracking link only says 'in transit'.
Please send a replacement to the right address.
Old provider already cut me off.""", """
router delivered to wrong address
still no router
Hub 3 delivery late""", """
I'm sorry your router hasn't arrived. I've ordered a replacement Hub 3 by next-day courier to the address on your account.
Apologies for the mix-up with the delivery. I've corrected the delivery address and the courier will deliver tomorrow before 1pm.
Thanks for letting us know. The courier has confirmed the parcel went to the wrong address, so a new router is on its way.""")

theme("install", "pain_point", "activation_stuck", ["activation", "activate", "live", "light"], "25 0 50 35 8 3", """
Go-live date was {day} and my line [still isn't active|is still not live].
The Hub 3 light [stays|is stuck on] [orange|flashing orange], activation never completes.
The app says 'activation in progress' and has done for {days} days.
Everything is plugged in but the line isn't live, [chat|support] says wait 24 hours for activation every time.
The switch-over happened, my old provider cut me off, and Brightline still hasn't activated my line.
Activation stuck since {day}, no broadband for {days} days.
Both my number transfer and broadband activation are stuck.""", """
Paying for two providers meanwhile? No thanks.
Rebooted the hub more times than I can count.
Nobody can tell me what's blocking it.""", """
activation stuck
line still not live
orange light, not activated""", """
I'm sorry your line isn't live yet. I can see the activation stalled at the exchange, so I've re-sent the order and it should complete within 4 hours.
Apologies for the wait. Your activation needed a manual step on our side; that's done now, so please restart the hub and the light should turn white.""")

theme("install", "motivation", "great_engineer_install", ["engineer", "tidy", "explained", "on time"], "35 0 70 0 0 0", """
The engineer [arrived on time|came bang on time] and was [brilliant|very polite].
The engineer explained everything, walked me through the app and left it tidy.
[Install|Installation] took under an hour, the engineer was quick and really impressive.
[Lovely|Friendly|Great] engineer, ran the cable neatly along the skirting, no mess at all.
The engineer tested the wifi in every room and moved the hub to a better spot.
[Quick|Easy] install, the engineer texted when he was 20 minutes away and was on time.""", """
Couldn't have asked for more.
Up and running the same morning.
Please pass on my thanks.""", """
great engineer, on time
engineer was tidy and quick
brilliant engineer""", """
Thank you for the kind words about our engineer, I'll make sure they hear it.""")

theme("use", "pain_point", "wifi_drops_every_evening", ["wifi", "evening", "drops", "disconnects"], "80 15 0 30 10 8", """
Wifi drops every [evening|night] around {time}.
[WiFi|Wifi|wi-fi] [cuts out|disconnects|drops out] every evening [without fail|like clockwork].
From {time} until 11 the wifi [drops|keeps dropping] every few minutes.
Every evening the wifi drops and the hub reboots itself.
Can't watch [a film|the football|anything] in the evening because the wifi keeps dropping.
Our wifi [disconnects|drops] every device at night but is fine in the day.
Evenings are [unusable|a nightmare]: the wifi drops on the {device} every [half hour|20 minutes].
{weeks} weeks of evening wifi drops now.""", """
Restarted the {router} every night, no difference.
The kids can't do their homework in the evening.
Works fine during the day, it's only in the evening.
Paying {amount} a month for this.
The engineer said the line is fine, which means it's the hub.""", """
evening wifi drops
wifi drops every night
constant disconnects in the evening
WIFI DROPS EVERY EVENING""", """
I'm sorry about the evening drops. I can see your hub restarting around 8pm, so I've pushed a firmware fix and moved your wifi to a quieter channel.
Thanks for the detail, it really helps. Evening drops like this are usually interference, so I'm sending you a free mesh disc and have booked a line test.
Apologies for the disruption. Our technical team will monitor your line every evening this week and call you on Friday with the results.""",
      nps=[0, 0, 1, 1, 2, 2, 3], evening=True)

theme("use", "pain_point", "speed_below_promised", ["speed", "Mbps", "promised", "Fibre"], "70 15 0 35 10 4", """
Paying for {plan} and getting {low}Mbps at best.
Speed tests show {low}Mbps, nowhere near the [promised|advertised] speed.
[Promised|Sold] {plan} speeds but getting about {low}Mbps [downstairs|in the lounge|on a cable].
Download speed has dropped to {low}Mbps since the [first month|last update].
Your minimum guaranteed speed is way higher than the {low}Mbps I'm getting.
Even plugged straight into the {router} with a cable I get {low}Mbps.
Not the speed I was promised: {low}Mbps on a {plan} plan is a joke.""", """
Ran the speed test in your own app to be sure.
I want a discount or the speed I'm paying for.
Upload is fine, download is the problem.
Our old provider was faster and cheaper.""", """
slow speed
speed nowhere near promised
{low}Mbps on Fibre 500??""", """
I'm sorry your speeds are below what we promised. I've run a line test and found a fault at the cabinet, and an engineer will fix it within 48 hours.
Thanks for sending your speed tests. As you're below the minimum guaranteed speed, you can leave without a fee or we can move you to a plan that matches.""")

theme("use", "pain_point", "app_login_loop", ["app", "login", "log in", "password"], "40 25 0 25 25 0", """
The app sends me [back to the login screen|round in a login loop] every time I enter the code.
Can't log in to the app, it loops back to the password page.
Login loop on the Brightline app [since the last update|for a week now].
Reset my password {n} times and the app still won't log me in.
The app takes my password, texts a code, then asks me to log in again.
Reinstalled the app, same login loop.
Can't [check my bill|run a speed test|see my usage] because the app login keeps looping.""", """
On an iPhone, fully updated.
Website login works fine, it's just the app.
What's the point of the app if I can't get in?""", """
app login loop
can't log in to app
app keeps asking for password""", """
I'm sorry about the app login loop. It's a known problem after the last update on some phones; clearing the app's data and logging in again fixes it.
Apologies for the trouble. I've reset your app session from our side, so please try logging in again with your email and password.""")

theme("use", "motivation", "reliable_fast_connection", ["reliable", "fast", "coverage", "solid"], "70 0 0 0 0 0", """
[Rock solid|Really reliable] connection, hasn't dropped once since we joined.
Fast and reliable, exactly what I need.
The wifi coverage reaches the whole house with the Hub 3, even the garden office.
Speeds are consistently fast, always at or above what {plan} promises.
Streaming, gaming and work calls at the same time and the connection is solid.
Honestly the most reliable broadband we've had.
Mobile coverage is great around {town} too.""", """
Just works.
No complaints at all.
Never have to think about it.""", """
reliable and fast
solid connection
great coverage""", """
Thank you, it's great to hear the connection is reliable for you.""")

theme("billing", "pain_point", "charged_twice", ["charged twice", "twice", "refund", "direct debit"], "20 15 0 5 0 0", """
I've been charged twice this month: {amount} went out on the 1st and again on the {ord}.
My direct debit was taken twice, that's {amount2} gone instead of {amount}.
You took the same payment twice this month.
Charged twice again, I want a refund please.
My bank statement shows two Brightline direct debits of {amount} a day apart.
Being charged twice sent me into my overdraft and now I've got bank charges too.
Still waiting for the refund for the duplicate payment taken on the {ord}.""", """
I was promised a refund in 3-5 working days and it still hasn't arrived.
I want the bank charges covered too.
Please check the direct debit so it doesn't happen again.""", """
charged twice!!
double charged, need refund
direct debit taken twice""", """
I'm sorry you were charged twice. I can see the duplicate payment of {amount}; I've raised a refund, which takes 3 to 5 working days to reach your bank.
Apologies for this. The second payment was a system error, I've refunded it and added a {comp} credit to cover any bank charges.""",
      same_amount=True)

theme("billing", "pain_point", "fee_after_promo_ended", ["promo", "discount", "ended", "fee"], "50 25 0 35 17 7", """
My [promo|introductory discount|welcome discount] ended and the bill jumped from {amount} to {amount2}.
Nobody told me the promo was ending, and the next bill is {rise} more.
A {fee} [service fee|line maintenance fee|admin fee] appeared on my bill right after the promo ended.
After the {months} month discount ended you added a {fee} [paper bill fee|router rental fee] I never agreed to.
Promo ended and suddenly there's a {fee} fee on top.
My discount [disappeared|ended] a month early, before the {months} months were up.""", """
Felt like a bait and switch.
Please remove the fee and refund it.
The welcome email said nothing about this.
Sneaky.""", """
fee after promo ended
promo ended, bill up
new fee once discount ended""", """
I'm sorry the change wasn't clear. Your promotional discount ended on your last bill; I've removed the {fee} fee and refunded it as a goodwill gesture.
Apologies for the surprise. The fee shouldn't have been added to your plan, so I've taken it off and you'll see a credit on your next bill.""")

theme("billing", "pain_point", "confusing_first_bill", ["first bill", "pro rata", "confusing", "understand"], "35 0 0 30 17 4", """
My first bill is [{amount2}|double what I expected] and I can't [work out|understand] why.
Confusing first bill: pro rata charges, a credit, plus the full month in advance.
What's the pro rata charge on my first bill? Nobody explained it.
The first bill has [three|four] lines for broadband and I don't understand any of them.
Can't match my first bill to the price I signed up for, it's confusing.
The first bill charged for two months at once and I don't understand why.""", """
Needs a plain English breakdown.
Had to ring up just to understand it.
Second bill looks normal, thankfully.""", """
confusing first bill
first bill makes no sense
don't understand the pro rata""", """
Thanks for asking. Your first bill includes a pro rata charge for the days from your go-live date plus next month in advance, so it's higher once; from the second bill it's {amount}.
I'm sorry the first bill was confusing. I've attached a line-by-line breakdown, and the pro rata part only appears once.""")

theme("billing", "motivation", "clear_bill_in_app", ["bill", "clear", "app", "exactly"], "50 10 0 0 0 0", """
The bill is clear and exactly what I was quoted.
Love seeing the bill in the app before it's taken, no surprises.
Each month the bill is the same, exactly what I signed up for.
Paying is easy and the bill explains each line clearly.
The app shows the bill clearly and reminds me before the payment.""", """
Simple.
Wish my energy bills were this clear.""", """
clear bills
bill is always exactly as quoted""", """
Thank you, glad the bill in the app is clear for you.""")

theme("support", "pain_point", "explain_again_every_agent", ["explain", "again", "every time", "repeat"], "45 60 0 25 0 0", """
Every time I contact you I have to explain the whole thing again from scratch.
[Third|Fourth] agent this week and I had to repeat myself again.
Nobody reads the notes; I've explained the problem {n} times now.
Transferred between {n} departments and had to explain it again each time.
Why can't the next agent see what I told the last one? Explaining it again every time.
Had to re-explain everything on chat that I already explained in my email.
Each agent asks me to explain again and repeat the same checks.""", """
It's exhausting.
Just read the history before replying.
I've lost count of the reference numbers.""", """
had to explain again
repeat myself every time
explained it 4 times""", """
I'm sorry you've had to explain this more than once. I've read the full history and added a summary to your account so you won't need to repeat it.
Apologies, that shouldn't happen. I'm taking ownership of your case, so from now on you'll deal with me directly.""")

theme("support", "pain_point", "long_hold_times", ["hold", "minutes", "wait", "queue"], "50 60 0 10 0 0", """
On hold for {mins} minutes before anyone answered.
Waited {mins} minutes in the queue and then got cut off.
A {mins} minute wait on hold just to ask a simple question.
The phone queue is ridiculous, {mins} minutes of hold music.
Chat said I was number {pos} in the queue and the wait was {mins} minutes.
Spent my whole lunch break on hold.""", """
Then I got cut off and had to start again.
Nobody ever offers a call back.
I don't have that kind of time.""", """
long wait
{mins} mins on hold
queue too long""", """
I'm sorry about the wait today. We've had very high demand this week; you can also request a call back from the Help page so you don't need to hold.""")

theme("support", "motivation", "helpful_agent_first_time", ["agent", "helpful", "sorted", "first time"], "50 130 0 0 0 0", """
The agent sorted it first time.
Really helpful agent, knew exactly what to do.
Quick response and the issue was sorted in minutes, thank you.
[Friendly|Patient] agent who actually listened and sorted my problem.
[Great|Excellent|Brilliant] service from the agent, issue sorted first time.
The agent called me back when she said she would and got it sorted.
So helpful, sorted on the first contact.""", """
Thank you!
Impressed.
Rare these days.
Credit to your team.""", """
helpful agent
sorted first time
very helpful, thanks""", """
Thank you so much, I'll pass your feedback on to the agent.""")

theme("renew", "pain_point", "price_rise_at_contract_end", ["price", "contract", "rise", "went up"], "70 20 0 25 10 15", """
My contract ended and the price went up by {rise} a month [overnight|without warning].
The end of contract price rise is [outrageous|ridiculous].
Now I'm out of contract I'm paying {amount2} instead of {amount} for the same plan, the price went up.
New customers pay less than me, and I've been loyal for {years} years; the price rise at contract end is a penalty.
The price went up when my contract ended, with barely any notice.
Got the end of contract email: another {rise} price rise, so I'm looking elsewhere.""", """
Loyalty penalty.
I'll be leaving unless you match the new customer price.
Same service, more money.""", """
price rise at contract end
price went up after contract
out of contract price hike""", """
I'm sorry about the change in price. As your contract has ended you're on our standard price, but I can offer you a new {months} month contract at {amount}.
I understand. I've checked the current offers for your address and can move you to a new contract with the price locked again.""")

theme("renew", "pain_point", "retention_offer_only_when_leaving", ["cancel", "leave", "offer", "retention"], "35 25 0 10 20 15", """
Only got a decent offer once I said I was leaving.
Why do I have to threaten to cancel before you offer a fair price?
The retention team [magically|suddenly] found a {amount} offer once I asked to cancel.
The first agent said there were no offers, then the retention team offered {rise} off when I said I'd leave.
You made me call cancellations just to get the same offer as new customers.
It's a game: say you want to cancel and the retention offer appears.""", """
I stayed, but it feels like a game.
Why not offer it to loyal customers automatically?
Won't bother next time, I'll just leave.""", """
had to threaten to leave
offer only when cancelling
retention game""", """
I understand your frustration. The offer you received is available to all customers at the end of their contract, and I've noted your feedback for the loyalty team.
Thanks for staying with us. I've applied the offer to your account and set a reminder to contact you before this contract ends.""")

theme("renew", "motivation", "upgrade_bundle_at_renewal", ["upgrade", "bundle", "SIM", "discount"], "40 15 0 0 0 0", """
Upgraded to {plan} at renewal for only {small} more, great value.
Added [two|three] SIMs to my broadband bundle and get {small} off each line.
Renewal was painless, the loyalty discount and upgrade were offered without asking.
The bundle discount for broadband and mobile SIMs is why I stayed.
Renewed for another {months} months because the upgrade offer was fair.""", """
Whole family on one bill now.
Good to be rewarded for staying.""", """
great upgrade deal
bundle discount with SIMs""", """
Great to hear! Your bundle discount applies automatically for each SIM on the account.""")

# Special scenarios (planted.json "scenarios"): a stage the map lacks, a spike, an off-map channel.
theme("move", "pain_point", "moving_home", ["moving", "new address", "move", "transfer"], "22 0 0 14 0 8", """
[I'm moving|We're moving] house on {day} and need to move my broadband to the new address.
Trying to move my broadband to our new address in {town} and the website has no option to transfer it.
We moved {days} days ago and still have no broadband at the new address.
The home move order keeps getting cancelled, and I'm being charged at the old address.
Being told I must start a new 24 month contract just because I'm moving home.
Why is moving my broadband to a new address harder than joining?
I need to keep my landline number when I move to {town}, can you transfer it?""", """
Moving is stressful enough.
The old address was still billed after I moved out.
The new place already has a Brightline line.""", """
moving home hassle
can't transfer to new address""", """
Congratulations on the move! I've set up a home move order; your service will transfer to the new address on your moving day.
I'm sorry the home move has been difficult. I've cancelled billing at your old address from your move date and booked activation at the new one.""")

theme("use", "pain_point", "northgate_outage", ["Northgate", "outage", "down", "no internet"], "30 0 0 18 0 8", """
Broadband has been down in Northgate since {odate}.
The whole [street|estate] in Northgate has no internet.
Another outage in Northgate, no internet for {hours} hours now.
Your status page says no issues but all of Northgate is down.
Working from home in Northgate has been impossible since the outage.
Is there an outage in Northgate? Hub light flashing red since {odate}.
Mobile signal is down in Northgate too, so no internet and no calls.
I want compensation for the Northgate outage.""", """
No updates from anyone.
My neighbours are down too.
No ETA given.""", """
Northgate outage
no internet in Northgate
Northgate down AGAIN""", """
I'm sorry, there's a fault affecting the Northgate area. Our engineers are on site repairing a damaged cable and we expect service back within 24 hours.
Apologies for the outage in Northgate. You don't need to do anything; compensation for each full day without service is added automatically.""",
      nps=[0, 1, 2, 3, 4])

theme("install", "pain_point", "rebook_via_social_media", ["social media", "DM", "rebook", "engineer"], "0 0 0 40 0 0", """
Only way to get an answer is to DM you on social media. Engineer didn't turn up {day}, please rebook.
Having to message your social media team because the phone line couldn't rebook my engineer.
Rang {n} times to rebook the engineer, gave up, so I'm asking here on social media.
Can someone on social rebook my engineer visit? Nobody came {day}.
The chat team said they can't see any slots, can you rebook my engineer here by DM?
Funny how a DM on social media is what it takes to get an engineer rebooked.""", """
Sending this DM in the car park at work.
Still waiting in for an engineer.
Please don't tell me to call the helpline.""", """
rebook engineer please""", """
Hi, sorry to hear about the missed visit! Please send us your account number by DM and we'll get the engineer rebooked.
Thanks, all done: we've rebooked your engineer for {day}, {window}. Sorry again for the hassle.""")

FILLER = {  # generic remarks that carry no planted theme
    "praise": """Good service overall.|No complaints.|Works well, fair price.|Happy with everything so far.|Does what it says.|Easy to deal with.
Decent value for money.|Been with you {years} years, never had a reason to leave.|All good 👍|Great|very happy|Good
Happy customer.|Nothing to fault.|We use it for the café's card machine too, never an issue.|Would recommend.|Solid.|Good value compared to the big names.|Ten out of ten from me!""",
    "complaint": """Could be cheaper.|Customer service needs work.|Too expensive for what it is.|Mobile signal is weak in my kitchen.
Too many marketing emails.|Not great, not terrible.|Prices keep creeping up.|TV add-on is poor value.|Meh.|The website is clunky.
The hold music is awful.|Your emails go to my junk folder.|Roaming charges were a surprise.""",
    "neutral": """It's fine.|Average.|Nothing special.|Haven't needed to contact you.|Only been with you a month.|ok|Fine for now.
Would rate higher if the app had dark mode.|I don't really recommend broadband to people.|Does the job.|Too early to say.|Same as any provider.
Fine, I suppose.|No strong feelings.|I rarely think about my broadband, which is probably good.""",
    "install_ok": """Plugged the hub in and it just worked.|Easy enough, took about twenty minutes.|Instructions were clear.|Fine, a bit of waiting but ok.
The quick start card was good.|Straightforward.|Went live on the day you said.|Took a couple of restarts but fine.|Easier than I expected.
No drama, all working.""",
    "howto": """How do I change my wifi name and password?|Can I add a second SIM to my account?|How do I get my PAC code?|Can I change my payment date to the 15th?
Where do I find my account number?|Is there a parental controls setting on the Hub 3?|Can I go paperless?|How do I set up a guest network?""",
}
FILLER = {k: [p for line in v.split("\n") for p in line.split("|")] for k, v in FILLER.items()}
HOWTO_ANSWER = ["You can do that in the Brightline app under Settings, and I've sent you a link with step-by-step instructions.",
                "I've made that change for you now, and you'll get a confirmation email within the hour."]

OPENERS = ["Honestly, ", "To be fair, ", "Overall ", "Well, ", "So far, ", "Tbh ", "In short: ", "Simple really. "]
GREET = ["Hi,", "Hello,", "Dear Brightline,", "Hi there,", "To whom it may concern,", "Hiya,", "Hi team,", ""]
ASK = ["Can you sort this out please?", "Please can someone look into this.", "What are you going to do about it?",
       "I'd like this fixed as soon as possible.", "Please call me back.", "Can you let me know what happens next?"]
SIGN = ["Thanks", "Regards", "Cheers", "Thank you", "Many thanks", "Kind regards"]
AGAIN = ["Still not fixed.", "This is still happening.", "Any update? It's been {days} days.", "Still waiting, nobody has called me back.",
         "Same problem again today.", "Nothing has changed since your last email.", "You said it would be sorted by now."]
DONE = ["That's working now, thank you.", "Ok, thanks for sorting it.", "Thanks, that's done the trick.", "Great, appreciated."]
ANGRY = ["Not good enough, I'll be making a formal complaint.", "I'm seriously considering leaving.", "Fine. We'll see."]
AGENT_OPEN = ["Thanks for getting in touch, and I'm sorry for the trouble.", "Thank you for your message.",
              "I'm sorry to hear about this, and thanks for bearing with us.", "Thanks for contacting Brightline Customer Care."]
AGENT_CLOSE = ["If there's anything else I can help with, just reply to this email.", "I'll keep this ticket open until it's resolved.",
               "Please let us know if you have any further questions.", "You don't need to do anything else for now; we'll be in touch."]
AGENT_AGAIN = ["I'm sorry this still isn't sorted. I've escalated your case to our {team} team as a priority, and they'll contact you within 48 hours.",
               "Apologies for the delay in resolving this. I've added notes to your account so anyone you speak to can see the full history.",
               "I completely understand your frustration. I've chased the {team} team today and asked them to call you back."]
VERIFY = [  # (what the agent asks, how customers answer)
    ("could I take your account number?", ["it's BL-{acct}", "BL{acct}", "account number BL-{acct}", "hang on... BL-{acct}"]),
    ("can you confirm the first line of your address?", ["{n2} {street}", "it's {n2} {street}, {town}", "{flat}, {street}"]),
    ("can I take the account holder's full name?", ["{first} {last}", "it's {first} {last}", "{first} {last}, that's me"]),
]
CHAT_GREET = ["Hi, you're chatting with {agent} from Brightline. Sorry to hear that. To get started, {q}",
              "Thanks for waiting, I'm {agent}. Before I look into this, {q}", "Hello and thanks for contacting Brightline. To start, {q}"]
CHAT_REACT = ["how long will that take", "will I get anything back for this?", "ok but this is the second time", "thanks, fingers crossed", "ok",
              "right. I've heard that before"]
CHAT_CLOSE = ["Is there anything else I can help with today?", "Is there anything else I can do for you?"]
CHAT_BYE = ["Thanks for chatting with us today, take care.", "I'll close this chat now, but you can reply here any time."]
CALL_GREET = ["Thanks for calling Brightline, you're speaking with {agent}, how can I help?", "Good morning, Brightline, {agent} speaking.",
              "Hello, you're through to Brightline customer services. How can I help today?"]
CALL_ACK = ["I'm sorry to hear that. Before I look into it, ", "Oh no, okay. For security first, ", "Right, let me have a look. Firstly, "]
PROBE = {  # by theme or stage: (agent question, customer answers)
    "install": ("Okay, and when was all this booked for?", ["{day}.", "It was meant to be {day}.", "{day}, the {window} slot."]),
    "use": ("How long has this been going on?", ["About {weeks} weeks.", "Since {day}, roughly.", "Weeks now."]),
    "billing": ("Which bill or payment is this about?", ["This month's.", "The {month} one.", "The last one."]),
    "renew": ("And when did your contract come to an end?", ["Last month.", "In {month}.", "A few weeks ago."]),
    "move": ("And when's the moving date?", ["{day}.", "We've already moved, {days} days ago.", "End of the month."]),
    "northgate_outage": ("What are the lights on the hub doing?", ["Flashing red, since {odate}.", "Red. Since {odate}."]),
}
TEAMS = {"install": "field", "use": "technical", "billing": "billing", "renew": "loyalty", "move": "home move"}
CALL_REACT = ["How long will that take?", "And will I get anything back for the hassle?", "Okay. And if it happens again?",
              "Right. I've heard that before.", "Fine, as long as it actually happens this time.", "Okay, that's good."]
CALL_ANSWER = ["It should be sorted within 48 hours, and I'll text you to confirm.",
               "I've noted everything on your account, and you'll get an email confirming what we've agreed today.",
               "If it happens again, call back with reference {ref} and you'll come straight through to my team."]
CALL_CLOSE = ["Is there anything else I can help you with today?", "Anything else I can do for you while you're on the line?"]
CALL_BYE = ["Thanks for calling Brightline, have a good day.", "Take care now, bye.", "Thanks for your patience, goodbye."]
CONTEXT = ["I've been with Brightline for {years} years.", "I'm on the {plan} plan in {town}.", "We only joined in {month}.",
           "Account holder here, on {plan}.", "I work from home, so this matters."]
SPOKEN = ["So, um, ", "Yeah, hi. ", "Hiya, ", "Right, so ", "Hi there, ", "Okay so basically ", "", ""]
HOLD = "I've been on hold for {mins} minutes, [just so you know|honestly|by the way]."
REPEAT = "Right, so I have to explain all this again, [great|brilliant]. [I've already told the last person|It's all in the notes]."
TYPOS = {"because": "becuase", "received": "recieved", "definitely": "definately", "separate": "seperate", "disappointed": "dissapointed",
         "really": "realy", "minutes": "mins", "until": "untill", "which": "wich", "their": "thier", "please": "pls", "broadband": "broadbnad"}

# ---------------------------------------------------------------------------------------------- text helpers

ALT, SLOT = re.compile(r"\[([^\[\]]*)\]"), re.compile(r"\{(\w+)\}")


def say(template: str, **fixed) -> str:
    text = ALT.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = SLOT.sub(lambda m: str(fixed[m.group(1)]) if m.group(1) in fixed else rng.choice(V.slots[m.group(1)]), text)
    text = re.sub(r" {2,}", " ", text).replace(" ,", ",").replace(" .", ".").strip()
    return text[:1].upper() + text[1:]


def pick(items, **fixed) -> str:
    return say(rng.choice(items), **fixed)


def style(text: str, mood: int, keywords=(), emoji=True) -> str:
    """Human variation: lowercase, typos, the odd ALL CAPS rant, exclamation marks."""
    r = rng.random()
    if mood < 0 and r < 0.04:
        text = text.upper()
    elif r < 0.14:
        text = text.lower()
    if rng.random() < 0.12:
        words = [w for w in V.typos if re.search(rf"\b{w}\b", text) and not any(w in k.lower() for k in keywords)]
        if words:
            word = rng.choice(words)
            text = re.sub(rf"\b{word}\b", V.typos[word], text, count=1)
    if mood < 0 and rng.random() < 0.1:
        text = text.rstrip(".") + rng.choice(["!!", "!!!", "!", " :("] + ([" 😡"] if emoji else []))
    if rng.random() < 0.08:
        text = text.replace("'", "’")
    return text


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        d = int(d) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def card_number() -> str:
    body = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(14))
    digits = body + next(c for c in "0123456789" if luhn_ok(body + c))
    return rng.choice([" ", "-", ""]).join(digits[i:i + 4] for i in range(0, 16, 4))


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def iban(country: str, bban: str) -> str:
    """The IBAN of a domestic account number: the country code and the two mod-97 check digits before it."""
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"


def in_fours(s: str) -> str:
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def iban_number() -> str:
    bban = rng.choice(["NWBK", "BARC", "LOYD", "MIDL", "HBUK"]) + "".join(rng.choice("0123456789") for _ in range(14))
    return in_fours(iban("GB", bban))


def phone_number() -> str:
    n = rng.randrange(1000)
    return rng.choice([f"07700 900{n:03d}", f"+44 20 7946 0{n:03d}", f"07700900{n:03d}"])


def email_address() -> str:
    first, last = rng.choice(V.slots["first"]).lower().replace("é", "e"), rng.choice(V.slots["last"]).lower()
    return rng.choice([f"{first}.{last}", f"{first}{last[0]}{rng.randrange(10, 99)}", f"{last}.{first[0]}"]) + "@" + rng.choice(["example.com", "example.org"])


PII = {  # one sentence each that hands over personal data
    "email": lambda: pick(["Please reply to {e} rather than the address on the account.", "My email is {e}.", "You can email me at {e}."], e=email_address()),
    "phone": lambda: pick(["Call me on {p} [after 5|any time].", "My mobile is {p}.", "Best number to reach me is {p}."], p=phone_number()),
    "name": lambda: pick(["My name is {first} {last} and I'm the account holder.", "Hi, my name is {first} {last}."]),
    "card": lambda: pick(["I paid with my card {c} if that helps.", "The card number is {c}, please refund to that."], c=card_number()),
    "iban": lambda: pick(["Please refund to my bank account, IBAN {i}.", "My account for the refund is {i}."], i=iban_number()),
}


def with_pii(parts: list[str], share: float, billing: bool) -> list[str]:
    if rng.random() < share * V.pii_rate:
        kind = rng.choice(V.pii_kinds[0] if billing else V.pii_kinds[1])
        V.pii_seen[kind] += 1
        sentence = V.pii[kind]()
        return [sentence, *parts] if kind == "name" else [*parts, sentence]
    return parts


# ---------------------------------------------------------------------------------------------- Italian personal data

ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]  # A-Z, and 0-9 as A-J


def check_letter(text: str) -> str:
    """The check letter of a codice fiscale (over its first 15 characters) and the CIN of an Italian bank
    account (over ABI + CAB + account number): characters in odd places (1st, 3rd, ...) count ODD[value],
    the others their value (digits 0-9, letters A=0 ... Z=25); the letter is the sum mod 26."""
    total = 0
    for i, ch in enumerate(text):
        value = int(ch) if ch.isdigit() else ord(ch) - ord("A")
        total += ODD[value] if i % 2 == 0 else value
    return chr(ord("A") + total % 26)


def name_code(name: str, first_name: bool) -> str:
    """Three letters of a codice fiscale: consonants, then vowels, then X; a first name with four or more
    consonants gives its 1st, 3rd and 4th."""
    letters = [c for c in name.upper() if c.isalpha()]
    consonants = [c for c in letters if c not in "AEIOU"]
    if first_name and len(consonants) >= 4:
        consonants = [consonants[0], consonants[2], consonants[3]]
    return "".join(consonants + [c for c in letters if c in "AEIOU"] + ["X"] * 3)[:3]


def codice_fiscale(first: str, last: str, born: date, female: bool, place: str) -> str:
    body = (name_code(last, False) + name_code(first, True) + f"{born.year % 100:02d}" + "ABCDEHLMPRST"[born.month - 1]
            + f"{born.day + 40 * female:02d}" + place)
    return body + check_letter(body)


def partita_iva() -> str:
    """A company's VAT number: 7 digits, a tax office (001-100), and a Luhn check digit."""
    body = "".join(rng.choice("0123456789") for _ in range(7)) + f"{rng.randint(1, 100):03d}"
    return body + next(c for c in "0123456789" if luhn_ok(body + c))


def italian_iban() -> str:
    """IT, mod-97 check digits, the CIN letter, ABI (bank) and CAB (branch) codes, a 12-digit account number."""
    bban = rng.choice(italian.ABI) + f"{rng.randrange(1, 10**5):05d}" + f"{rng.randrange(10**10):012d}"
    number = iban("IT", check_letter(bban) + bban)
    return in_fours(number) if rng.random() < 0.7 else number


def italian_phone() -> str:
    """A mobile (3xx) or a landline (0x), written the ways Italians write them."""
    if rng.random() < 0.15:
        area = rng.choice(["02", "06", "011", "051", "055", "081"])
        rest = f"{rng.randrange(10**(10 - len(area))):0{10 - len(area)}d}"
        return f"{area} {rest[:-4]} {rest[-4:]}" if rng.random() < 0.6 else f"+39 {area} {rest}"
    mobile = f"3{rng.choice(['20', '28', '33', '38', '39', '40', '45', '47', '48', '49', '66', '88', '92'])}"
    rest = f"{rng.randrange(10**7):07d}"
    return rng.choices([f"{mobile}{rest}", f"{mobile} {rest}", f"+39 {mobile} {rest[:3]} {rest[3:]}", f"{mobile} {rest[:3]} {rest[3:]}",
                        f"+39 {mobile}{rest}", f"{mobile}-{rest}"], [3, 3, 2, 2, 1, 1])[0]


def planted_value(kind: str, value: str) -> str:
    """Records a piece of personal data the pipeline must redact (planted.json lists the Italian ones)."""
    V.pii_values.append({"kind": kind, "value": value})
    return value


def italian_person() -> tuple[str, str, bool]:
    female = rng.random() < 0.5
    return rng.choice(italian.WOMEN if female else italian.MEN), rng.choice(V.slots["last"]), female


def tax_code() -> str:
    first, last, female = italian_person()
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    return codice_fiscale(first, last, born, female, rng.choice(italian.BIRTHPLACES))


def introduction() -> str:
    first, last, _ = italian_person()
    planted_value("name", f"{first} {last}")
    return pick(italian.PII["name"], first=first, last=last)


ITALIAN_PII = {  # the same sentences in Italian, plus the tax code (codice fiscale) and a business's VAT number
    "email": lambda: pick(italian.PII["email"], e=planted_value("email", email_address())),
    "phone": lambda: pick(italian.PII["phone"], p=planted_value("phone", italian_phone())),
    "name": introduction,
    "card": lambda: pick(italian.PII["card"], c=planted_value("card", card_number())),
    "iban": lambda: pick(italian.PII["iban"], i=planted_value("iban", italian_iban())),
    "codice_fiscale": lambda: pick(italian.PII["codice_fiscale"], cf=planted_value("codice_fiscale", tax_code())),
    "partita_iva": lambda: pick(italian.PII["partita_iva"], piva=planted_value("partita_iva", partita_iva())),
}


# ---------------------------------------------------------------------------------------------- tallies, dates, people

UNITS: dict[str, Counter] = defaultdict(Counter)  # theme -> source -> customer messages that carry it
ITEMS: dict[str, Counter] = defaultdict(Counter)  # theme -> source -> items
VIA: dict[str, set] = defaultdict(set)  # theme -> ticket channels it was seen on


def tally(name: str, source: str, messages: int = 1, item: bool = True) -> None:
    if name in V.themes:
        UNITS[name][source] += messages
        ITEMS[name][source] += int(item)


def moment(first_day=0, last_day=89, hours=(7, 22)) -> datetime:
    day = rng.randint(first_day, last_day)
    if (START + timedelta(days=day)).weekday() == 6 and rng.random() < 0.4:  # quieter Sundays
        day = rng.randint(first_day, last_day)
    seconds = rng.randrange(hours[0] * 3600, hours[1] * 3600)
    return min(START + timedelta(days=day, seconds=seconds), END)


def later(dt: datetime, lo_min: int, hi_min: int) -> datetime:
    """A while after dt; squeezed in before END when the period is almost over."""
    after = dt + timedelta(minutes=rng.randint(lo_min, hi_min), seconds=rng.randrange(60))
    return after if after < END else dt + (END - dt) * rng.uniform(0.2, 0.9)


def working(dt: datetime) -> datetime:
    """The same moment, or the next one within office hours (08:00-20:00 UTC) when that is before END."""
    if dt.hour < 8:
        moved = dt.replace(hour=8) + timedelta(minutes=rng.randrange(90))
    elif dt.hour >= 20:
        moved = dt.replace(hour=8) + timedelta(days=1, minutes=rng.randrange(90))
    else:
        moved = dt
    return moved if moved < END else dt


def iso_z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def london(dt: datetime) -> tuple[datetime, str]:
    return (dt + timedelta(hours=1), "+01:00") if dt < BST_ENDS else (dt, "+00:00")


def rome(dt: datetime) -> tuple[datetime, str]:
    return (dt + timedelta(hours=2), "+02:00") if dt < BST_ENDS else (dt + timedelta(hours=1), "+01:00")  # same night in the EU


def iso_local(dt: datetime) -> str:
    local, offset = V.local(dt)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset


def pools() -> dict[str, list[str]]:
    """Who appears where: 40 fragmented double-charge customers, 260 in 2-4 sources, 900 in one source only."""
    ids = [f"C{i:05d}" for i in range(1, 1201)]
    rng.shuffle(ids)
    weights = {"nps": 700, "csat": 320, "ces": 250, "tickets": 280, "chats": 160, "calls": 70}
    member: dict[str, list[str]] = {s: [] for s in SOURCES}
    member["scenario"] = sorted(ids[:40])
    for i, cid in enumerate(ids[40:]):
        k = 1 if i >= 260 else rng.choice([2, 2, 2, 3, 3, 4])
        chosen: list[str] = []
        while len(chosen) < k:
            s = rng.choices(SOURCES, [0 if s in chosen else weights[s] for s in SOURCES])[0]
            chosen.append(s)
        for s in chosen:
            member[s].append(cid)
    return member


def assign(pool: list[str], n: int) -> list[str]:
    pool = sorted(pool)
    people = pool[:n] + [rng.choice(pool) for _ in range(n - len(pool))]
    rng.shuffle(people)
    return people


FILLER_MIX = {"nps": ["praise"] * 9 + ["neutral"] * 7 + ["complaint"] * 4, "csat": ["praise"] * 3 + ["neutral", "complaint"],
              "ces": ["install_ok"], "tickets": ["howto"], "chats": ["howto"], "calls": []}
RESERVED = {"tickets": 40, "chats": 40, "calls": 40, "csat": 20}  # items the special scenarios add


def plan(source: str, size: int, filler: list[str], reserved: int = 0) -> list[str]:
    """Theme (or filler kind) of each item of a source, shuffled: the current voice's theme volumes, then filler."""
    names = [t["name"] for t in V.themes.values() for _ in range(t["volumes"].get(source, 0))]
    names += [rng.choice(filler) for _ in range(max(size - len(names) - reserved, 0))]
    rng.shuffle(names)
    return names


def when(name: str, source: str, first_day: int | None = None) -> datetime:
    """When an item of the theme was written: English tickets start in September (first_day overrides it)."""
    if name == "northgate_outage":
        return moment(OUTAGE, 89)
    first = (SEP1 if source == "tickets" else 0) if first_day is None else first_day
    return moment(first, 89, (18, 23) if V.themes.get(name, {}).get("evening") and rng.random() < .6 else (7, 22))


def mood_of(name: str) -> int:
    if name in V.themes:
        return -1 if V.themes[name]["kind"] == "pain_point" else 1
    return {"praise": 1, "install_ok": 1, "complaint": -1}.get(name, 0)


# ---------------------------------------------------------------------------------------------- voices


@dataclass
class Voice:
    """How one language writes: phrase tables, slot values, themes, money, local time, personal data, and the
    random stream its texts are drawn from. The composers below write in the current voice, V."""
    rng: random.Random
    slots: dict[str, list[str]]
    themes: dict[str, dict]
    filler: dict[str, list[str]]  # filler kind -> remarks
    openers: list[str]
    greet: list[str]  # e-mail greetings ("" for none); the first is used when one is needed
    ask: list[str]
    sign: list[str]
    again: list[str]
    repeat: str
    done: list[str]
    angry: list[str]
    context: list[str]
    agent_hello: list[str]
    agent_open: list[str]
    agent_close: list[str]
    agent_again: list[str]  # {team}
    agent_sign: str  # {agent}
    teams: dict[str, str]  # stage -> the team a case is escalated to
    team_default: str
    howto_answer: list[str]
    verify: list[tuple[str, list[str]]]  # (security question, answers)
    chat_hello: list[str]
    chat_greet: list[str]  # {agent}, {q}
    chat_ack: list[str]
    chat_react: list[str]
    chat_close: list[str]
    chat_thanks: list[str]
    chat_bye: list[str]
    subject_prefix: list[str]
    subjects: dict[str, str]  # filler kind -> ticket subject
    form: str  # a web form's message: {topic}, {body}
    topic: Callable[[str | None], str]  # the form's topic for a stage (None: no theme)
    quote: Callable[[datetime], str]  # the line above a quoted e-mail, for its local time
    local: Callable[[datetime], tuple[datetime, str]]  # local time and UTC offset
    double: Callable[[str], str]  # an amount, twice
    typos: dict[str, str]
    pii: dict[str, Callable[[], str]]  # kind -> a sentence handing it over
    pii_kinds: tuple[list[str], list[str]]  # kinds drawn in billing texts, and in the others
    pii_rate: float = 1.0  # scales how often a message carries personal data
    pii_seen: Counter = field(default_factory=Counter)
    pii_values: list[dict] = field(default_factory=list)


ENGLISH = Voice(
    rng=rng, slots=SLOTS, themes=THEMES, filler=FILLER, openers=OPENERS, greet=GREET, ask=ASK, sign=SIGN, again=AGAIN,
    repeat=REPEAT, done=DONE, angry=ANGRY, context=CONTEXT, agent_hello=["Hi there,", "Hello,", "Dear customer,"],
    agent_open=AGENT_OPEN, agent_close=AGENT_CLOSE, agent_again=AGENT_AGAIN, agent_sign="Kind regards,\n{agent}\nBrightline Customer Care",
    teams=TEAMS, team_default="customer care", howto_answer=HOWTO_ANSWER, verify=VERIFY, chat_hello=["hi", "hello", "Hi there"],
    chat_greet=CHAT_GREET, chat_ack=["Thanks. ", "Thank you, I can see your account. ", ""], chat_react=CHAT_REACT,
    chat_close=CHAT_CLOSE, chat_thanks=["no thats all thanks", "Thanks", "no, thank you", "No, thank you.", "that's it cheers", "nope"],
    chat_bye=CHAT_BYE, subject_prefix=["", "Re: ", "URGENT: ", "Complaint - "], subjects={},
    form="<p>Topic: {topic}<br>Message: {body}</p>", topic=lambda stage: stage.title() if stage else "General",
    quote=lambda local: f"On {local.strftime('%a, %-d %b %Y at %H:%M')}, Brightline Customer Care wrote:", local=london,
    double=lambda amount: f"£{2 * float(amount[1:]):.2f}", typos=TYPOS, pii=PII,
    pii_kinds=(["card", "card", "iban", "iban", "email", "name"], ["email", "phone", "phone", "name", "name"]),
)
ITALIAN_THEMES: dict[str, dict] = {}
for spec in italian.THEMES:
    theme(**spec, registry=ITALIAN_THEMES, sources=italian.SOURCES)
ITALIAN = Voice(
    rng=random.Random(italian.SEED), slots=italian.SLOTS, themes=ITALIAN_THEMES, filler=italian.FILLER, openers=italian.OPENERS,
    greet=italian.GREET, ask=italian.ASK, sign=italian.SIGN, again=italian.AGAIN, repeat=italian.REPEAT, done=italian.DONE,
    angry=italian.ANGRY, context=italian.CONTEXT, agent_hello=italian.AGENT_HELLO, agent_open=italian.AGENT_OPEN,
    agent_close=italian.AGENT_CLOSE, agent_again=italian.AGENT_AGAIN, agent_sign=italian.AGENT_SIGN, teams=italian.TEAMS,
    team_default=italian.TEAM_DEFAULT, howto_answer=italian.HOWTO_ANSWER, verify=italian.VERIFY, chat_hello=italian.CHAT_HELLO,
    chat_greet=italian.CHAT_GREET, chat_ack=italian.CHAT_ACK, chat_react=italian.CHAT_REACT, chat_close=italian.CHAT_CLOSE,
    chat_thanks=italian.CHAT_THANKS, chat_bye=italian.CHAT_BYE, subject_prefix=italian.SUBJECT_PREFIX, subjects=italian.SUBJECTS,
    form=italian.FORM, topic=italian.FORM_TOPICS.__getitem__, quote=italian.quote_line, local=rome, double=italian.double,
    typos=italian.TYPOS, pii=ITALIAN_PII, pii_kinds=italian.PII_KINDS, pii_rate=italian.PII_RATE,
)
V = ENGLISH


@contextmanager
def speaking(voice: Voice) -> Iterator[None]:
    """Compose in `voice`, drawing from its own random stream, until the block ends."""
    global V, rng
    before = V, rng
    V, rng = voice, voice.rng
    try:
        yield
    finally:
        V, rng = before


# ---------------------------------------------------------------------------------------------- composers


def comment(name: str, source: str, allow_newline=False, **fixed) -> str:
    """A survey comment: a few words to a paragraph, scored separately."""
    mood = mood_of(name)
    if name not in V.themes:
        parts = [say(p) for p in rng.sample(V.filler[name], rng.choice([1, 1, 1, 2]))]
    else:
        t = V.themes[name]
        r = rng.random()
        parts = [pick(t["short"])] if r < 0.18 else [pick(t["core"], **fixed)]
        if r >= 0.5:
            parts += [say(m, **fixed) for m in rng.sample(t["more"], 1 if r < 0.85 else min(2, len(t["more"])))]
        if source == "nps" and rng.random() < 0.12:
            parts.append(pick(V.filler["praise" if mood > 0 else "complaint"]))
        tally(name, source)
    if rng.random() < 0.1:
        parts[0] = rng.choice(V.openers) + parts[0][:1].lower() + parts[0][1:]
    text = ("\n" if allow_newline and len(parts) > 1 and rng.random() < 0.15 else " ").join(parts)
    text = style(text, mood, V.themes.get(name, {}).get("keywords", ()))
    return " ".join(with_pii([text], 0.045, V.themes.get(name, {}).get("stage") == "billing"))


def score(name: str, scale: str) -> int:
    mood = mood_of(name)
    if scale == "nps":
        if "nps" in V.themes.get(name, {}):
            return rng.choice(V.themes[name]["nps"])
        return rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 7] if mood < 0 else [8, 9, 9, 10, 10, 10] if mood > 0 else [5, 6, 7, 7, 8, 8])
    if scale == "csat":
        return rng.choice([1, 1, 2, 2, 3] if mood < 0 else [4, 5, 5, 5] if mood > 0 else [3, 3, 4])
    return rng.choice([1, 1, 2, 2, 3, 4] if mood < 0 else [5, 6, 6, 7, 7] if mood > 0 else [4, 5, 6])


def html(paragraphs: list[str]) -> str:
    apos = rng.random() < 0.3
    out = []
    for p in paragraphs:
        p = p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
        out.append("<p>" + (p.replace("'", "&#39;") if apos else p) + "</p>")
    return "".join(out)


def customer_email(name: str, first: bool, form: bool, fixed: dict) -> str:
    t = V.themes.get(name)
    if t is None:
        body = [pick(V.filler["howto"])]
    elif first:
        body = ([pick(V.context)] if rng.random() < 0.35 else []) + [pick(t["core"], **fixed)]
        body += [say(m, **fixed) for m in rng.sample(t["more"], rng.choice([0, 1, 1, 2, 3]))] + [rng.choice(V.ask)]
    else:
        body = [pick(V.again)] + ([say(V.repeat)] if rng.random() < 0.25 else []) + [say(rng.choice(t["more"]), **fixed)]
    body = [style(b, mood_of(name), t["keywords"] if t else ()) for b in body]
    body = with_pii(body, 0.06, bool(t) and t["stage"] == "billing")
    if form and first:
        return V.form.format(topic=V.topic(t["stage"] if t else None), body=html([" ".join(body)])[3:-4])
    greet = rng.choice(V.greet)
    signed = rng.random() < 0.15
    V.pii_seen["signature"] += signed
    sign = rng.choice(V.sign) + (",\n" + pick(["{first}", "{first} {last}"]) if signed else "")
    return html(([greet] if greet else []) + body + [sign])


def agent_email(name: str, again: bool, fixed: dict) -> str:
    t = V.themes.get(name)
    team = V.teams.get(t["stage"], V.team_default) if t else V.team_default
    step = pick(V.agent_again, team=team) if again else (pick(t["agent"], **fixed) if t else rng.choice(V.howto_answer))
    return html([rng.choice(V.agent_hello), rng.choice(V.agent_open), step, rng.choice(V.agent_close),
                 V.agent_sign.format(agent=pick(["{agent}"]))])


def quote(previous: str, sent: datetime) -> str:
    local, _ = V.local(sent)
    return f"<p>{V.quote(local)}</p><blockquote>{previous}</blockquote>"


def ticket(tid: int, cust: str, name: str, created: datetime, via: str, fixed: dict | None = None, opener: str | None = None) -> dict:
    fixed = fixed or {}
    form = via == "web_form"
    first = customer_email(name, True, form, fixed)
    if opener:  # scenario: the customer's first message is written by the caller
        first = html([rng.choice(V.greet) or V.greet[0], opener, rng.choice(V.sign)])
    comments = [{"author_role": "customer", "created_at": iso_local(created), "body": first}]
    t, rounds = created, rng.choice([1, 1, 2, 2, 3])
    for r in range(rounds):
        t = working(later(t, 40, 2000))
        comments.append({"author_role": "agent", "created_at": iso_local(t), "body": agent_email(name, r > 0, fixed)})
        if END - t < timedelta(hours=2) or (r == rounds - 1 and rng.random() < 0.5):
            break
        t = later(t, 60, 3000)
        last = r == rounds - 1 and rng.random() < 0.4
        body = html([pick(V.done if rng.random() < 0.5 else V.angry)]) if last else customer_email(name, False, False, fixed)
        if not last and len(comments) < 5:
            tally(name, "tickets", item=False)
        if rng.random() < 0.3:
            body += quote(comments[-1]["body"], datetime.fromisoformat(comments[-1]["created_at"]).astimezone(UTC))
        comments.append({"author_role": "customer", "created_at": iso_local(t), "body": body})
    comments = comments[:6]  # threads of 2-6 messages
    tally(name, "tickets")
    subject = V.subjects.get(name, name.replace("_", " ")) if name not in V.themes else pick(V.themes[name]["short"])
    subject = rng.choice(V.subject_prefix) + subject[:1].upper() + subject[1:]
    return {"ticket_id": tid, "requester_id": cust, "created_at": iso_local(created), "via": via, "subject": subject, "comments": comments}


def verify_answer(share: float, billing: bool, spoken: bool) -> str:
    question, answers = rng.choice(V.verify)
    answer = say(rng.choice(answers), acct=rng.randrange(10**7, 10**8))
    if spoken:
        answer = rng.choice(["Yeah, ", "Sure, ", ""]) + (answer[:1].lower() + answer[1:] if answer[:2] in ("It", "Ac", "Ha") else answer) + "."
    else:
        answer = answer.lower() if rng.random() < 0.3 else answer + rng.choice(["", "."])
    return question, " ".join(with_pii([answer], share, billing))


def chat(name: str, fixed: dict | None = None, opener: str | None = None) -> list[tuple[str, str]]:
    """(sender, message) pairs of one web chat."""
    fixed, t = fixed or {}, V.themes.get(name)
    mood, keywords = mood_of(name), (t["keywords"] if t else ())
    first = opener or (pick(t["core"], **fixed) if t else pick(V.filler["howto"]))
    msgs = [("customer", rng.choice(V.chat_hello))] if rng.random() < 0.25 else []
    msgs.append(("customer", style(first, mood, keywords)))
    if t and not opener and rng.random() < 0.35:
        msgs.append(("customer", style(say(rng.choice(t["more"]), **fixed), mood, keywords).rstrip(".")))
        tally(name, "chats", item=False)
    question, answer = verify_answer(0.12, bool(t) and t["stage"] == "billing", spoken=False)
    msgs += [("agent", pick(V.chat_greet, q=question)), ("customer", answer)]
    msgs.append(("agent", rng.choice(V.chat_ack) + (pick(t["agent"], **fixed) if t else rng.choice(V.howto_answer))))
    if t and rng.random() < 0.6:
        react = rng.choice(([] if opener else t["more"]) + V.chat_react)
        msgs.append(("customer", style(say(react, **fixed), mood, keywords).rstrip(".")))
        if react in t["more"]:
            tally(name, "chats", item=False)
    if rng.random() < 0.75:
        msgs.append(("agent", pick(V.chat_close)))
        msgs.append(("customer", rng.choice(V.chat_thanks)))
        if rng.random() < 0.6:
            msgs.append(("agent", pick(V.chat_bye)))
    tally(name, "chats")
    return msgs[:8]  # conversations of 3-8 messages


def call(name: str, fixed: dict | None = None, opener: str | None = None) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(speaker, turn) pairs of one phone call (speakers 'agent', 'agent 2', 'customer') and the agents' names."""
    fixed, t = fixed or {}, THEMES[name]
    agents = dict(zip(["agent", "agent 2"], rng.sample(SLOTS["agent"], 2)))
    core = opener or pick(t["core"], **fixed)
    spoken = rng.choice(SPOKEN)
    first = spoken + (core[:1].upper() if spoken.endswith(". ") or not spoken else core[:1].lower()) + core[1:]
    if rng.random() < 0.35:
        first = say(HOLD) + " " + first
        tally("long_hold_times", "calls", item=False)
    question, answer = verify_answer(0.2, t["stage"] == "billing", spoken=True)
    probe, answers = PROBE.get(name) or PROBE[t["stage"]]
    team = TEAMS[t["stage"]]
    turns = [("agent", pick(CALL_GREET, agent=agents["agent"])), ("customer", first), ("agent", rng.choice(CALL_ACK) + question),
             ("customer", answer), ("agent", "Thank you. " + probe)]
    detail = " ".join(say(m, **fixed) for m in rng.sample(t["more"], rng.choice([1, 2])))
    turns += [("customer", pick(answers) + " " + detail), ("agent", pick(t["agent"], **fixed))]
    if rng.random() < 0.15:
        turns += [("agent", say("I'll need to transfer you to our {team} team, one moment please.", team=team)),
                  ("agent 2", say("Hi, you're through to the {team} team, {agent} speaking. What's happened?", agent=agents["agent 2"], team=team)),
                  ("customer", say(REPEAT) + " " + pick(t["core"], **fixed)), ("agent 2", pick(t["agent"], **fixed))]
        tally("explain_again_every_agent", "calls", item=False)
        tally(name, "calls", item=False)
    closer = turns[-1][0]
    turns += [("customer", pick(CALL_REACT)), (closer, pick(CALL_ANSWER, ref=f"CS-{rng.randrange(1000, 9999)}")),
              (closer, pick(CALL_CLOSE)), ("customer", rng.choice(["No, that's it. Thanks.", "No. Just sort it please.", "That's all, cheers."])),
              (closer, pick(CALL_BYE))]
    tally(name, "calls", 2)
    return turns, agents


# ---------------------------------------------------------------------------------------------- call file formats


def stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def cues(turns: list[tuple[str, str]]) -> list[tuple[str, float, float, str]]:
    """Each turn cut into sentence cues with timings (about 2.6 words a second)."""
    out, clock = [], 0.0
    for speaker, text in turns:
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            clock += rng.uniform(0.2, 1.2)
            length = max(1.0, len(sentence.split()) / 2.6)
            out.append((speaker, round(clock, 1), round(clock + length, 1), sentence))
            clock += length
    return out


def call_file(turns, fmt: str, agents: dict[str, str]) -> str:
    segments = cues(turns)
    label = {"customer": "Customer", "agent": "Agent", "agent 2": "Agent 2"}.__getitem__
    if fmt == "vtt":
        blocks = [f"{stamp(a, '.')} --> {stamp(b, '.')}\n<v {'Customer' if s == 'customer' else 'Agent ' + agents[s]}>{x}" for s, a, b, x in segments]
        return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
    if fmt == "srt":
        return "\n\n".join(f"{i}\n{stamp(a, ',')} --> {stamp(b, ',')}\n{label(s)}: {x}" for i, (s, a, b, x) in enumerate(segments, 1)) + "\n"
    if fmt == "txt":
        return "\n".join(f"{label(s)}: {x}" for s, x in turns) + "\n"
    rows = [{"speaker": "customer" if s == "customer" else "agent", "start": a, "end": b, "text": x} for s, a, b, x in segments]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------------------------- writers


def write(path: str, data: bytes) -> None:
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def csv_text(rows: list[list], newline: str = "\n", delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline, delimiter=delimiter).writerows(rows)
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed header (no name, mtime 0, OS unknown): the same bytes on every Python version."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def cp1252_safe(text: str) -> str:
    return "".join(c for c in text if c.encode("cp1252", errors="ignore")).strip()


# ---------------------------------------------------------------------------------------------- sources


def facts(name: str) -> dict:
    """Values that must agree within one item (the amount charged twice)."""
    if not V.themes.get(name, {}).get("same_amount"):
        return {}
    amount = rng.choice(V.slots["amount"])
    return {"amount": amount, "amount2": V.double(amount)}


def spoken_date(dt: datetime) -> str:
    day = london(dt)[0]
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return rng.choice([day.strftime("%A"), f"the {day.day}{suffix}", f"{day.strftime('%A')} the {day.day}{suffix}"])


def fragmented(customers: list[str]) -> tuple[list, list, list, list]:
    """Scenario 1: the same double charge by web chat, then e-mail, then phone, within 14 days."""
    chats, tickets, calls, csats = [], [], [], []
    for i, cust in enumerate(customers):
        fixed = facts("charged_twice")
        t_chat = moment(SEP1, 75, (8, 21))
        t_mail = later(t_chat, 1 * 1440, 5 * 1440)
        t_call = working(later(t_mail, 1 * 1440, (12 * 1440) - int((t_mail - t_chat).total_seconds() // 60)))
        opener = say("[I've been charged twice this month|You've charged me twice this month|My direct debit went out twice]: "
                     "{amount} on the 1st and again on the {ord}.", **fixed)
        chats.append((cust, t_chat, chat("charged_twice", fixed, opener)))
        if i % 2 == 0:
            csats.append((cust, later(t_chat, 8, 40), "charged_twice", fixed))
        opener = say("I [contacted|spoke to] your chat team on {d} about being charged twice ({amount} taken twice this month) and was told a "
                     "refund would be raised. [Nothing has happened|The refund hasn't arrived|Still nothing in my account]. "
                     "[Can someone confirm it's been processed?|Please confirm the refund.]", d=spoken_date(t_chat), **fixed)
        if rng.random() < 0.4:
            opener += " " + say("[I don't want to explain it all again.|Why do I have to explain this again?]")
        tickets.append((cust, t_mail, "charged_twice", fixed, opener))
        opener = say("this is the third time I've contacted you about being charged twice. I [did|used] the chat on {d1}, [emailed|sent an email] "
                     "on {d2}, and the {amount} still hasn't come back.", d1=spoken_date(t_chat), d2=spoken_date(t_mail), **fixed)
        calls.append((cust, t_call, "charged_twice", fixed, opener))
    return chats, tickets, calls, csats


def nps_rows(people: list[str], names: list[str]) -> list[list]:
    rows = []
    for cust, name in zip(people, names):
        dt = when(name, "nps")
        rows.append([dt, cust, score(name, "nps"), comment(name, "nps", allow_newline=True)])
    return rows


def write_nps(rows: list[list], people: list[str]) -> list[dict]:
    """Three monthly files (cp1252 + CRLF, UTF-8 with BOM, UTF-8) with the planted bad rows."""
    bad = []
    extra = [  # (day, reason, score, comment, date text)
        (12, "score_out_of_range", "11", "Brilliant, would give 11 if I could!", None),
        (20, "empty_text", "8", "", None),
        (40, "bad_score", "n/a", "Not sure yet, only had it a week.", None),
        (47, "bad_date", "6", "Engineer came in the end. Slow start though.", "yesterday"),
        (55, "empty_text", "7", "", None),
    ]
    for day, reason, sc, text, date_text in extra:
        dt = moment(day, day)
        rows.append([dt, rng.choice(people), sc, text, reason, date_text])
    rows.sort(key=lambda r: r[0])
    by_month: dict[int, list[list[str]]] = {8: [], 9: [], 10: []}
    for i, r in enumerate(rows, 1):
        rid = f"nps-{i:06d}"
        date_text = r[5] if len(r) > 5 and r[5] else iso_z(r[0])
        by_month[r[0].month].append([rid, date_text, r[1], str(r[2]), r[3]])
        if len(r) > 4:
            bad.append({"file": f"sources/surveys/nps_2026-{r[0].month:02d}.csv", "reason": r[4], "id": rid,
                        "detail": f"nps={r[2]!r}" + (f", submitted_at={date_text!r}" if r[5] else "") + (", empty comment" if not r[3] else "")})
    # a response id read again with other content (the first is kept), and an exact repeat of a row
    original = by_month[8][30]
    conflict = [original[0], iso_z(moment(45, 45)), original[2], "3", "Changed my mind, the app keeps logging me out."]
    by_month[9].insert(60, conflict)
    bad.append({"file": "sources/surveys/nps_2026-09.csv", "reason": "duplicate_conflict", "id": original[0],
                "detail": "same response_id as a row of nps_2026-08.csv, different content"})
    repeat = by_month[10][100]
    by_month[10].insert(104, list(repeat))
    bad.append({"file": "sources/surveys/nps_2026-10.csv", "reason": "duplicate", "id": repeat[0], "detail": "exact copy of an earlier row"})
    header = [["response_id", "submitted_at", "customer_id", "nps", "comment"]]
    aug = csv_text(header + [[cp1252_safe(c) for c in r] for r in by_month[8]], "\r\n")
    malformed_id = f"nps-{len(rows) + 1:06d}"
    line = f"{malformed_id},{iso_z(moment(21, 21))},{rng.choice(people)},6,Broadband fine, app slow, price too high\r\n"
    lines = aug.split("\r\n")
    aug = "\r\n".join(lines[:200]) + "\r\n" + line + "\r\n".join(lines[200:])
    bad.append({"file": "sources/surveys/nps_2026-08.csv", "reason": "malformed_row", "id": malformed_id,
                "detail": "unquoted commas in the comment: 7 fields instead of 5"})
    write("surveys/nps_2026-08.csv", aug.encode("cp1252"))
    write("surveys/nps_2026-09.csv", b"\xef\xbb\xbf" + csv_text(header + by_month[9]).encode("utf-8"))
    write("surveys/nps_2026-10.csv", csv_text(header + by_month[10]).encode("utf-8"))
    return bad


def write_csat(people: list[str], names: list[str], scenario: list) -> dict:
    items = [(when(n, "csat"), c, n, {}) for c, n in zip(people, names)] + [(t, c, n, f) for c, t, n, f in scenario]
    items.sort(key=lambda x: x[0])
    lines = []
    for i, (dt, cust, name, fixed) in enumerate(items, 1):
        rating = rng.choice([1, 1, 2]) if fixed else score(name, "csat")
        record = {"id": f"csat-{i:06d}", "ts": dt.strftime("%Y-%m-%d %H:%M:%S"), "customer": cust, "rating": rating,
                  "feedback": comment(name, "csat", **fixed)}
        lines.append(json.dumps(record, ensure_ascii=False))
    broken_at = 456
    lines.insert(broken_at, '{"id": "csat-900001", "ts": "2026-10-02 11:20:05", "customer": "C00412", "rating": 2, "feedback": "The agent kept aski')
    write("surveys/csat_chat.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    return {"file": "sources/surveys/csat_chat.jsonl", "reason": "bad_json", "id": "csat-900001",
            "detail": f"line {broken_at + 1} is cut off mid-string"}


QUALTRICS = [  # (column id, question text, import id)
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'), ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'), ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ("Q1", "How easy was it to get your broadband installed and working? (1 = very difficult, 7 = very easy)", '{"ImportId":"QID1"}'),
    ("Q2", "What is the main reason for your score?", '{"ImportId":"QID2_TEXT"}'),
]


def local_time(dt: datetime) -> str:
    return london(dt)[0].strftime("%Y-%m-%d %H:%M:%S")


def write_ces(people: list[str], names: list[str]) -> None:
    """A Qualtrics 'legacy' CSV export (UTF-8 with BOM): column ids, question texts, import ids, then answers."""
    rows = [[c[0] for c in QUALTRICS], [c[1] for c in QUALTRICS], [c[2] for c in QUALTRICS]]
    answers = sorted(((when(n, "ces"), c, n) for c, n in zip(people, names)), key=lambda x: x[0])
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    for start, cust, name in answers:
        seconds = rng.randint(35, 420)
        end = min(start + timedelta(seconds=seconds), END)
        ip = f"{rng.choice(['192.0.2', '198.51.100', '203.0.113'])}.{rng.randint(1, 254)}"
        rows.append([local_time(start), local_time(end), "IP Address", ip, "100", str(seconds), "True", local_time(min(end + timedelta(seconds=rng.randint(0, 2)), END)),
                     "R_" + "".join(rng.choice(letters) for _ in range(15)), "", "", "", cust,
                     f"{rng.uniform(50.8, 53.9):.4f}", f"{rng.uniform(-3.2, 0.3):.4f}", "anonymous", "EN-GB",
                     str(score(name, "ces")), comment(name, "ces")])
    write("surveys/qualtrics_install_ces.csv", b"\xef\xbb\xbf" + csv_text(rows).encode("utf-8"))


def dm_ticket(tid: int, cust: str, created: datetime) -> dict:
    """Scenario 2: a social-media direct message thread (plain text, an off-map channel)."""
    t, name = created, "rebook_via_social_media"
    th = THEMES[name]
    comments = [{"author_role": "customer", "created_at": iso_local(t), "body": style(pick(th["core"]), -1, th["keywords"])}]
    t = later(t, 5, 240)
    comments.append({"author_role": "agent", "created_at": iso_local(t), "body": th["agent"][0]})
    messages = 1
    if t < END:
        t = later(t, 2, 180)
        reply = say("BL-{acct}. " + rng.choice(th["more"] + ["Please rebook the engineer [asap|this week].", "Any {window} slot is fine."]),
                    acct=rng.randrange(10**7, 10**8))
        comments.append({"author_role": "customer", "created_at": iso_local(t), "body": reply})
        messages += 1
        t = later(t, 10, 600)
        comments.append({"author_role": "agent", "created_at": iso_local(t), "body": pick(th["agent"][1:])})
    tally(name, "tickets", messages)
    return {"ticket_id": tid, "requester_id": cust, "created_at": iso_local(created), "via": "social_dm",
            "subject": rng.choice(["Direct message", "Social DM", "Message via social"]), "comments": comments}


def write_tickets(people: list[str], names: list[str], scenario: list) -> None:
    specs = [(when(n, "tickets"), c, n, None, None) for c, n in zip(people, names)] + [(t, c, n, f, o) for c, t, n, f, o in scenario]
    specs.sort(key=lambda s: s[0])
    months: dict[int, list[str]] = {9: [], 10: []}
    tid = 48000
    for dt, cust, name, fixed, opener in specs:
        tid += rng.randint(1, 9)
        if name == "rebook_via_social_media":
            record = dm_ticket(tid, cust, dt)
        else:
            via = "support_email" if opener or rng.random() < 0.7 else "web_form"
            record = ticket(tid, cust, name, dt, via, fixed or facts(name), opener)
        VIA[name].add(record["via"])
        months[london(dt)[0].month].append(json.dumps(record, ensure_ascii=False))
    for month, lines in months.items():
        write(f"tickets/tickets_2026-{month:02d}.jsonl.gz", gzip_bytes(("\n".join(lines) + "\n").encode("utf-8")))


def write_chats(people: list[str], names: list[str], scenario: list) -> None:
    convs = [(moment(0, 89, (8, 22)), c, chat(n, facts(n))) for c, n in zip(people, names)] + [(t, c, m) for c, t, m in scenario]
    convs.sort(key=lambda x: x[0])
    rows = [["conversation_id", "customer_id", "sent_at", "sender", "message"]]
    for i, (dt, cust, msgs) in enumerate(convs, 1):
        t = dt
        for sender, text in msgs:
            rows.append([f"conv-{i:05d}", cust, iso_z(t), sender, text])
            t = later(t, 0, 3)
    write("chats/chat_messages.csv", csv_text(rows).encode("utf-8"))


def write_calls(people: list[str], names: list[str], scenario: list) -> dict:
    specs = [(moment(OUTAGE if n == "northgate_outage" else 0, 89, (8, 20)), c, n, facts(n), None) for c, n in zip(people, names)]
    specs += [(t, c, n, f, o) for c, t, n, f, o in scenario]
    specs.sort(key=lambda s: s[0])
    missing = 57
    gap = min((specs[missing - 1][0] - specs[missing - 2][0]) / 2, timedelta(minutes=20))
    specs.insert(missing - 1, (specs[missing - 2][0] + gap, rng.choice(people), None, None, None))
    index = [["call_id", "file", "customer_id", "started_at"]]
    for i, (dt, cust, name, fixed, opener) in enumerate(specs, 1):
        fmt = rng.choices(["vtt", "srt", "txt", "json"], [35, 25, 20, 20])[0]
        file = f"call_{i:04d}.{fmt}"
        index.append([f"CL-{i:04d}", file, cust, iso_z(dt)])
        if name is None:
            missing_file = file
            continue
        turns, agents = call(name, fixed, opener)
        write(f"calls/{file}", call_file(turns, fmt, agents).encode("utf-8"))
    write("calls/calls.csv", csv_text(index).encode("utf-8"))
    return {"file": "sources/calls/calls.csv", "reason": "missing_file", "id": f"CL-{missing:04d}",
            "detail": f"{missing_file} is listed in calls.csv but not on disk"}


# ---------------------------------------------------------------------------------------------- Brightline Italia

ITALIAN_SOURCES = {"nps": "nps_italia", "tickets": "assistenza_italia", "chats": "chat_italia"}  # names in voc.yaml
ITALIAN_ROLES = {"customer": "cliente", "agent": "operatore"}


def italian_pools() -> dict[str, list[str]]:
    """Brightline Italia's customers (IT00001 ...): a quarter of them write in two of its sources."""
    ids = [f"IT{i:05d}" for i in range(1, italian.CUSTOMERS + 1)]
    rng.shuffle(ids)
    member: dict[str, list[str]] = {s: [] for s in italian.SOURCES}
    weights = [italian.SIZES[s] for s in italian.SOURCES]
    for i, cid in enumerate(ids):
        for s in (rng.sample(italian.SOURCES, 2) if i < len(ids) // 4 else rng.choices(italian.SOURCES, weights)):
            member[s].append(cid)
    return member


def write_italian_nps(rows: list[list]) -> list[dict]:
    """A semicolon-separated export (UTF-8 with BOM, CRLF), Italian column names, dates as dd/mm/yyyy hh:mm in Rome time."""
    bad = []
    for day, reason, sc, text, date_text in [(30, "bad_score", "n.d.", "Non saprei ancora, sono cliente da una settimana.", None),
                                             (61, "bad_date", "7", "Il tecnico alla fine è arrivato, ma che fatica.", "ieri")]:
        rows.append([moment(day, day), rng.choice(rows)[1], sc, text, reason, date_text])
    rows.sort(key=lambda r: r[0])
    out = [["id_risposta", "data_invio", "codice_cliente", "voto", "commento"]]
    for i, r in enumerate(rows, 1):
        rid = f"nps-it-{i:05d}"
        out.append([rid, r[5] if len(r) > 4 and r[5] else rome(r[0])[0].strftime("%d/%m/%Y %H:%M"), r[1], str(r[2]), r[3]])
        if len(r) > 4:
            bad.append({"file": "sources/italia/nps_italia.csv", "reason": r[4], "id": rid,
                        "detail": f"voto={r[2]!r}" + (f", data_invio={r[5]!r}" if r[5] else "")})
    write("italia/nps_italia.csv", b"\xef\xbb\xbf" + csv_text(out, "\r\n", ";").encode("utf-8"))
    return bad


def as_italian_ticket(record: dict) -> dict:
    """A ticket in the Italian helpdesk's export: Italian field names, cliente/operatore as authors."""
    messages = [{"autore": ITALIAN_ROLES[c["author_role"]], "inviato_il": c["created_at"], "testo": c["body"]} for c in record["comments"]]
    return {"numero": record["ticket_id"], "cliente": record["requester_id"], "creato_il": record["created_at"],
            "canale": record["via"], "oggetto": record["subject"], "messaggi": messages}


def mixed_opener(name: str, fixed: dict) -> tuple[str, dict]:
    """An English sentence, the problem in Italian, an English summary: the first message of a mixed ticket."""
    english = rng.choice(italian.MIXED_INTRO)
    core = pick(V.themes[name]["core"], **fixed)
    summary = rng.choice(italian.MIXED_SUMMARY[name])
    return f"{english} {core} {summary}", {"en": [english, summary], "it": [core]}


def write_italian_tickets(people: list[str], names: list[str], mixed_people: list[str]) -> list[dict]:
    """E-mail and web-form tickets as JSON lines (times in Rome, with their offset); a few mix English and Italian."""
    specs = [(when(n, "tickets", first_day=0), c, n, False) for c, n in zip(people, names)]
    mixed_themes = rng.choices(italian.MIXED_THEMES, k=len(mixed_people))
    specs += [(when(n, "tickets", first_day=0), c, n, True) for c, n in zip(mixed_people, mixed_themes)]
    specs.sort(key=lambda s: s[0])
    lines, mixed, tid = [], [], 7100
    for dt, cust, name, mix in specs:
        tid += rng.randint(1, 6)
        fixed = facts(name)
        if mix:
            opener, sentences = mixed_opener(name, fixed)
            record = ticket(tid, cust, name, dt, "support_email", fixed, opener)
            mixed.append({"ticket_id": tid, "theme": name, **sentences})
        else:
            record = ticket(tid, cust, name, dt, "support_email" if rng.random() < 0.7 else "web_form", fixed)
        VIA[name].add(record["via"])
        lines.append(json.dumps(as_italian_ticket(record), ensure_ascii=False))
    write("italia/assistenza_2026.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    return mixed


def write_italian_chats(people: list[str], names: list[str]) -> None:
    convs = sorted(((moment(0, 89, (7, 21)), c, chat(n, facts(n))) for c, n in zip(people, names)), key=lambda x: x[0])
    rows = [["id_conversazione", "codice_cliente", "inviato_il", "mittente", "messaggio"]]
    for i, (dt, cust, msgs) in enumerate(convs, 1):
        t = dt
        for sender, text in msgs:
            rows.append([f"chat-it-{i:04d}", cust, iso_z(t), ITALIAN_ROLES[sender], text])
            t = later(t, 0, 3)
    write("italia/chat_italia.csv", csv_text(rows).encode("utf-8"))


def write_italian() -> tuple[dict, list[dict]]:
    """Brightline Italia's slice, from its own random stream: planted.json's "italian" section and its bad rows."""
    with speaking(ITALIAN):
        member = italian_pools()
        names = {s: plan(s, italian.SIZES[s], italian.FILLER_MIX[s]) for s in italian.SOURCES}
        people = {s: assign(member[s], len(names[s]) + (italian.MIXED_TICKETS if s == "tickets" else 0)) for s in italian.SOURCES}
        nps = nps_rows(people["nps"], names["nps"])
        scores = [(r[2], n) for r, n in zip(nps, names["nps"])]
        bad = write_italian_nps(nps)
        ticketed = len(names["tickets"])  # the customers after them write the mixed-language tickets
        mixed = write_italian_tickets(people["tickets"][:ticketed], names["tickets"], people["tickets"][ticketed:])
        write_italian_chats(people["chats"], names["chats"])
    return planted_italian(scores, mixed, {c for s in italian.SOURCES for c in people[s]}), bad


def planted_italian(scores: list[tuple[int, str]], mixed: list[dict], customers: set[str]) -> dict:
    themes = [dict(entry(t, italian.SOURCES, italian.CHANNELS), language="it", mirrors=t["mirrors"]) for t in ITALIAN_THEMES.values()]
    scenarios = [
        {"id": "same_pain_point_in_two_languages", "theme": "wifi_cade_ogni_sera", "mirrors": "wifi_drops_every_evening",
         "stage_id": "use", "note": "the evening wifi drops, told in Italian; a multilingual encoder can make one topic of both"},
        {"id": "same_billing_pain_point_in_two_languages", "theme": "addebito_doppio", "mirrors": "charged_twice",
         "stage_id": "billing", "note": "the same payment taken twice, in Italian, with the same amount within each ticket or chat"},
        {"id": "italian_motivation", "theme": "prezzo_bloccato", "mirrors": "price_lock_guarantee", "stage_id": "discover",
         "cue": "ho scelto Brightline perché", "note": "why customers chose Brightline (the price lock), in Italian"},
        {"id": "strong_nps_impact_it", "theme": "wifi_cade_ogni_sera", "stage_id": "use", **nps_impact(scores, "wifi_cade_ogni_sera")},
        {"id": "mixed_language_tickets", "source": ITALIAN_SOURCES["tickets"], "items": len(mixed), "tickets": mixed,
         "note": "the first customer message holds an English sentence, the problem in Italian, then an English summary; the "
                 "English sentences are English units of an Italian source"},
    ]
    values = sorted({(v["kind"], v["value"]) for v in ITALIAN.pii_values})
    return {"company": "Brightline Italia (fictional)", "language": "it", "seed": italian.SEED, "phrases": "data/sample/italian.py",
            "sources": ITALIAN_SOURCES,
            "items": {s: italian.SIZES[s] + (len(mixed) if s == "tickets" else 0) for s in italian.SOURCES},
            "customers": len(customers), "themes": themes, "scenarios": scenarios,
            "pii_planted": dict(sorted(ITALIAN.pii_seen.items())), "pii_values": [{"kind": k, "value": v} for k, v in values],
            "person_names": sorted({*italian.SLOTS["first"], *italian.SLOTS["last"], *italian.SLOTS["agent"]})}


# ---------------------------------------------------------------------------------------------- planted.json


def entry(t: dict, sources: tuple[str, ...] = SOURCES, channels: dict[str, str] = CHANNELS) -> dict:
    """A theme as planted.json lists it: where it was written and how often."""
    units = UNITS[t["name"]]
    return {"stage_id": t["stage"] if t["stage"] != "move" else None, "kind": t["kind"], "name": t["name"], "keywords": t["keywords"],
            "approx_units": sum(units.values()), "items": {s: ITEMS[t["name"]][s] for s in sources if ITEMS[t["name"]][s]},
            "units_by_source": {s: units[s] for s in sources if units[s]},
            "channels": sorted({c for s in sources if units[s] for c in (VIA[t["name"]] if s == "tickets" else [channels[s]])})}


def nps_impact(scores: list[tuple[int, str]], name: str) -> dict:
    mine = [s for s, n in scores if n == name]
    other = [s for s, n in scores if n != name]
    return {"nps_respondents": len(mine), "nps_score_range": [min(mine), max(mine)], "mean_nps_score": round(sum(mine) / len(mine), 2),
            "mean_nps_score_other_comments": round(sum(other) / len(other), 2)}


def planted(bad: list[dict], fragmented_ids: list[str], italian_slice: dict) -> dict:
    special = {"moving_home", "northgate_outage", "rebook_via_social_media"}
    scenarios = [
        {"id": "cross_channel_fragmented_issue", "theme": "charged_twice", "stage_id": "billing", "customers": fragmented_ids,
         "sequence": ["web_chat", "support_email", "phone"], "within_days": 14,
         "items": {"chats": len(fragmented_ids), "tickets": len(fragmented_ids), "calls": len(fragmented_ids), "csat": len(fragmented_ids) // 2},
         "note": "each customer: a chat, then an e-mail ticket 1-5 days later, then a call, all within 14 days, same amount each time"},
        dict(entry(THEMES["rebook_via_social_media"]), id="off_map_touchpoint", source="support_tickets", channel="social_dm",
             note="via: social_dm is listed by no touchpoint of the map; the texts are about getting an install engineer rebooked"),
        dict(entry(THEMES["moving_home"]), id="stage_missing_from_map", suggested_stage="move (moving home: transferring service to a new address)",
             note="no stage of journey_map.yaml covers moving home"),
        {"id": "strong_nps_impact", "theme": "wifi_drops_every_evening", "stage_id": "use", **nps_impact(NPS_THEMES, "wifi_drops_every_evening")},
        dict(entry(THEMES["northgate_outage"]), id="spike_last_week", stage_id="use", window=["2026-10-25", "2026-10-31"],
             note="the word Northgate appears nowhere before 2026-10-25"),
    ]
    return {"company": "Brightline (fictional)", "generator": "data/sample/generate.py", "seed": 20261031,
            "window": [iso_z(START), iso_z(END)], "units_note": "approx_units counts customer messages (survey comments, ticket and "
            "chat messages, call turns) carrying the theme; a pipeline that splits sentences will see somewhat more",
            "themes": [entry(t) for t in THEMES.values() if t["name"] not in special],
            "scenarios": scenarios, "bad_items": bad, "pii_planted": dict(sorted(ENGLISH.pii_seen.items())),
            "person_names": sorted({*SLOTS["first"], *SLOTS["last"], *SLOTS["agent"]}), "italian": italian_slice}


NPS_THEMES: list[tuple[int, str]] = []


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    member = pools()
    names = {s: plan(s, SIZES[s], FILLER_MIX[s], RESERVED.get(s, 0)) for s in SOURCES}
    people = {s: assign(member[s], len(names[s])) for s in SOURCES}
    s_chats, s_tickets, s_calls, s_csat = fragmented(member["scenario"])
    nps = nps_rows(people["nps"], names["nps"])
    NPS_THEMES.extend((r[2], n) for r, n in zip(nps, names["nps"]))
    bad = write_nps(nps, sorted(member["nps"]))
    bad.append(write_csat(people["csat"], names["csat"], s_csat))
    write_ces(people["ces"], names["ces"])
    write_tickets(people["tickets"], names["tickets"], s_tickets)
    write_chats(people["chats"], names["chats"], s_chats)
    bad.append(write_calls(people["calls"], names["calls"], s_calls))
    italian_slice, italian_bad = write_italian()
    out = planted(bad + italian_bad, member["scenario"], italian_slice)
    (HERE / "planted.json").write_bytes((json.dumps(out, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
