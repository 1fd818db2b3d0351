"""Short news stories for the related-stories tests: several on each of a few subjects, told
by different writers with different words, and a few on nothing else."""

from __future__ import annotations

FERRY = [
    (
        "Ferry Crews on the Sallen Strait Walk Out Over Night Shifts",
        "Crews of the Sallen Strait ferry stopped work on Monday in a dispute over night shifts.",
        "Crews of the ferry across the Sallen Strait walked out on Monday morning, leaving "
        "hundreds of commuters at the Port Varra terminal without a crossing. The Maritime "
        "Workers Union said the operator, Strait Lines, had added night shifts without "
        "consulting the crews. Strait Lines said the extra sailings were needed to meet demand "
        "from freight lorries. Talks between the union and the operator are due on Wednesday.",
    ),
    (
        "Sallen Strait Ferry Strike Strands Lorries at Port Varra",
        "Freight queues grew at Port Varra as the ferry strike went into its second day.",
        "Lorries queued for four kilometres outside Port Varra on Tuesday as the strike by "
        "ferry crews on the Sallen Strait entered its second day. Hauliers said perishable "
        "loads were being turned back. The Maritime Workers Union repeated that its members "
        "would not work the new night shifts that Strait Lines introduced last month, and the "
        "operator said it had asked the labour ministry to mediate.",
    ),
    (
        "Strait Lines and Union Reach Deal to End Sallen Ferry Strike",
        "The ferry strike on the Sallen Strait ended after a deal on night shifts.",
        "The strike that halted ferries across the Sallen Strait for three days ended on "
        "Wednesday night, when Strait Lines and the Maritime Workers Union agreed that night "
        "shifts would be voluntary and paid at a higher rate. The first crossing from Port "
        "Varra left at six on Thursday morning. The labour ministry, which mediated the talks, "
        "said the deal would be reviewed after six months.",
    ),
    (
        "Commuters Count the Cost of Three Days Without the Sallen Ferry",
        "Shops and commuters on both shores of the Sallen Strait lost days of work.",
        "With the Sallen Strait ferry back in service after the crews' strike, shopkeepers "
        "in Port Varra said they had lost three days of trade, and commuters who crossed the "
        "strait to work said the detour by road took five hours. The Maritime Workers Union "
        "and Strait Lines both said the night shift dispute should never have stopped the "
        "ferries.",
    ),
]

GLACIER = [
    (
        "Grauhorn Glacier Lost a Tenth of Its Ice in Two Summers",
        "A survey of the Grauhorn glacier found it thinned by record amounts.",
        "The Grauhorn glacier lost about a tenth of its ice volume over the past two summers, "
        "according to a survey by the Alpine Glaciology Institute published on Friday. "
        "Researchers measured the ice with radar from a helicopter and compared it with a "
        "survey made in 2024. The glacier's tongue retreated by 180 metres, and meltwater "
        "lakes formed on its surface for the first time on record.",
    ),
    (
        "Meltwater Lakes on the Grauhorn Worry Valley Towns Below",
        "Towns below the Grauhorn glacier are asking for warning systems against floods.",
        "Mayors of three villages beneath the Grauhorn glacier asked the regional government "
        "for flood sirens after glaciologists reported meltwater lakes forming on the ice. "
        "The Alpine Glaciology Institute said a sudden drainage of such a lake could send a "
        "surge down the valley. The glacier has thinned faster in the last two summers than "
        "at any time since measurements began.",
    ),
]

OTHER = [
    (
        "Cave Bats Shorten Their Calls When Highway Noise Rises",
        "Recordings show bats adapt their echolocation near busy roads.",
        "Bats roosting in caves near a motorway shorten their echolocation calls when traffic "
        "noise rises, according to recordings analysed by zoologists at Lindqvist University. "
        "The animals also call more often, which costs energy. The researchers say road "
        "planners should consider noise barriers near roosts.",
    ),
    (
        "Council Approves Budget With More Money for Libraries",
        "The city's budget adds two hours a day to library opening times.",
        "The city council approved next year's budget on Thursday by 31 votes to 12. The "
        "largest increase goes to public libraries, which will open two hours longer each day "
        "from March. The opposition said the budget relied on optimistic forecasts of "
        "property tax receipts.",
    ),
    (
        "Upgraded Solar Telescope Captures Fine Detail of Sunspots",
        "New adaptive optics sharpen the telescope's view of the solar surface.",
        "An upgraded solar telescope in northern Chile has produced its sharpest images yet of "
        "sunspots, astronomers said on Monday. The new adaptive optics correct for the "
        "turbulence of the air hundreds of times a second, revealing structures about thirty "
        "kilometres across on the surface of the sun.",
    ),
]
