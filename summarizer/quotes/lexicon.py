"""Word lists the rules run on, mined from PolNeAR train cue and source spans.

How they were made is in summarizer/MODEL_CARD.md: cue verbs are the cue_text
words seen at least four times in train, grouped by how they take their
speaker, plus words that are inside cue spans in at least half of their train
occurrences (summarizer/quotes/mine_cues.py re-mines them); role words are the
lower-case words of train source spans, kept when they name a person or a
group that speaks. Nothing here is article text.
"""

from __future__ import annotations


def words(s: str) -> frozenset[str]:
    return frozenset(s.split())


# finite reporting verbs: "X said", "said X", "X told Y"
SPEECH_VERBS = words(
    """said says say told tells tell wrote writes write added adds asked asks noted notes
    reported reports announced announces suggested suggests tweeted tweets argued argues
    continued continues explained explains declared declares acknowledged acknowledges
    stated states insisted insists claimed claims warned warns recalled recalls replied
    replies responded responds concluded concludes admitted admits confirmed confirms
    predicted predicts conceded concedes complained complains observed observes
    contended contends countered counters answered answers emphasized emphasizes stressed
    stresses maintained maintains posted posts quipped joked remarked remarks agreed
    agrees cautioned cautions mused alleged alleges boasted boasts charged charges
    reiterated reiterates recounted recounts estimated estimates testified testifies
    speculated speculates lamented laments worried worries urged urges vowed vows pledged
    pledges promised promises demanded demands added yelled shouted declined read reads
    chanted chant chants interjected interjects assured assures emailed proclaimed
    proclaims pronounced asserted asserts elaborated reacted opined fumed quoted thanked
    repeated repeats retorted snapped sniped scoffed marveled exclaimed screamed whispered
    cried bragged griped grumbled ranted thundered texted blogged wondered wonders
    summarized summed recalled explained advised predicted teased pleaded begged
    shrugged sighed laughed joked jokes quips shot responded chimed piped"""
)
# verbs PolNeAR counts as attribution but which rarely introduce direct speech
OPINION_VERBS = words(
    """believes believe believed thinks think thought hopes hope hoped fears feared
    expects expected wants want wanted knows knew sees saw feels felt worries doubts
    doubted accused accuses criticized criticizes blasted blasts praised praises
    dismissed dismisses denied denies rejected rejects attacked attacks defended defends
    blamed blames described describes called calls endorsed endorses supported supports
    opposed opposes mentioned mentions revealed reveals cited cites indicated indicates
    showed shows show found finds disclosed discloses questioned questions proposed
    proposes acknowledged denounced denounces condemned condemns mocked mocks hailed hails"""
)
PARTICIPLES = words(
    """saying adding writing telling noting arguing asserting calling insisting claiming
    explaining warning declaring suggesting asking stating citing describing pointing
    urging arguing tweeting responding referring complaining adding acknowledging
    remarking praising promising accusing chanting reporting asserting vowing declaring
    predicting recalling joking quipping boasting conceding replying answering
    warning cautioning lamenting concluding yelling shouting screaming crying
    tweeting writing posting"""
)
ACCORDING = "according to"

# words that may sit between a subject and its verb: "Trump also said", "he has said"
AUX = words(
    """also has had have later then previously once recently repeatedly publicly would
    will had often again earlier further simply just still quickly reportedly already
    has been is was flatly told's itself himself herself themselves"""
)
# lower-case words that can be part of a speaker description (mined: train source_text)
ROLE_WORDS = words(
    """official officials spokesman spokeswoman spokesperson spokespeople person people
    source sources aide aides adviser advisers advisor advisors analyst analysts expert
    experts strategist strategists director chairman chairwoman chair manager executive
    secretary minister president governor senator representative congressman
    congresswoman nominee candidate candidates leader leaders member members professor
    pollster pollsters supporter supporters voters voter critics critic allies ally
    campaign administration staff staffer staffers lawyer lawyers attorney attorneys
    judge mayor police officer officers agency department committee group groups
    reporter reporters editor editors columnist author authors economist economists
    activist activists advocate advocates founder host anchor researcher researchers
    study report poll polls survey surveys data statement letter memo ad ads website
    senior former top chief deputy vice longtime veteran retired presidential
    national state federal foreign defense security policy political communications press
    white house first second third another one two three four five several some many
    few most other others familiar with knowledge of the a an his her their its our
    democratic republican conservative liberal progressive military intelligence
    government company firm team organization union unions board office council
    fellow friend friends colleague colleagues partner spouse wife husband son daughter
    father mother brother sister resident residents man woman men women worker workers
    employee employees delegate delegates superdelegates organizer organizers insiders
    lawmakers legislators diplomat diplomats ambassador general commander negotiator
    negotiators observers scientist scientists doctor doctors physician consultant
    operative operatives donor donors pundit pundits commentator ceo cfo co-founder
    u.s american european russian ukrainian chinese british french german israeli
    iranian mexican administration's campaign's party party's post tweet tweets message
    messages account press-secretary the-white-house percent majority plurality half"""
)
PRONOUNS = words("he she they we i it He She They We I It")
# pronouns that can speak for a single person
PERSON_PRONOUNS = words("he she He She")
# "the department which reported", "her claim that": words that stand for a speaker
RELATIVE_PRONOUNS = words("who which that")
POSSESSIVE_DETERMINERS = words("his her their its His Her Their Its")

# capitalized words that start a sentence or clause but are never a speaker
NON_NAME_CAPS = words(
    """His Her Its Their Our My Your Ask Do Does Did Good Led Let Please Consider Remember
    Imagine Note See Look Take Make Keep Watch Read Given Based Asked Told Shortly
    But And Or So Yet Then When While If As After Before Although Though Because In On
    At Still Now Meanwhile However Also Asked In For From With Without During Since Until
    That This These Those There Here What Which Who Why How Where Speaking Last Next Earlier
    Later Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Jan Feb Aug Sept Oct
    Nov Dec Mr Mrs Ms Today Tonight Yesterday Instead Indeed Even Just Only Not No Yes
    Like Unlike Despite Over Under Through To Of By Into Among Between About Against
    According Although Once Both Either Neither Each Every All Many Most Some Such
    Another Other Others More Less Much Few Several One Two Three Four Five
    Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen Sixteen Seventeen
    Eighteen Nineteen Twenty Thirty Forty Fifty
    Outside Inside Across Within Around Amid Amidst Along Beyond Behind Toward Towards
    Upon Throughout Except Beside Besides Near Onto Via Alongside Whether Unless Lest"""
)
DAYS = words(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December"""
)
# titles before a name; they become the role ("Foreign minister Sergey Lavrov")
TITLES = words(
    """president vice minister secretary senator sen sen. rep rep. representative gov
    gov. governor mayor gen gen. general chairman chairwoman chief director spokesman
    spokeswoman spokesperson ambassador judge justice speaker leader adviser advisor
    professor prof prof. dr dr. mr mr. mrs mrs. ms ms. former foreign prime deputy
    attorney state defense house senate majority minority democratic republican
    presidential nominee candidate candidates congressman congresswoman commissioner
    chancellor king queen pope rev rev. reverend lt lt. col col. sgt sgt. capt capt.
    adm adm. u.s. us russian ukrainian french german british chinese israeli american
    iranian top senior white of the for policy national security strategist fellow
    pentagon's"""
)
# titles that end a title phrase before a name: "Mexican President Enrique Peña Nieto"
STRONG_TITLES = words(
    """president minister secretary senator sen rep representative gov governor mayor gen
    general chairman chairwoman director spokesman spokeswoman spokesperson ambassador judge
    justice speaker leader adviser advisor professor prof dr mr mrs ms congressman
    congresswoman commissioner chancellor candidate nominee strategist analyst pollster
    lt col sgt capt adm rev chief ceo attorney"""
)
# more nouns that stand before a name as its title: "election lawyer Joe Birkenstock"
TITLE_NOUNS = words(
    """lawyer executive commentator columnist economist reporter editor host anchor
    activist advocate founder co-founder researcher scientist doctor physician consultant
    pundit donor organizer delegate negotiator officer mayor author historian expert
    lawmaker legislator businessman businesswoman entrepreneur billionaire"""
)
# abbreviations whose dot ends no sentence ("Sen. Reed", "Jan. 6", "U.S. officials")
ABBREVIATIONS = words(
    """mr mrs ms dr sen rep reps gov gen lt col sgt st jr sr prof rev capt maj cmdr adm
    inc co corp ltd no vs jan feb mar apr jun jul aug sep sept oct nov dec ft mt u.s
    d r i gop e.g i.e a.m p.m"""
)
HONORIFICS = words("Mr. Mrs. Ms. Dr. Mr Mrs Ms Dr")
# nouns whose mention stands for its owner: "Trump's cryptic social media post"
MEDIA_NOUNS = words(
    """post posts tweet tweets message messages statement statements letter website
    account speech remarks comments comment interview memo email emails release video
    op-ed column book ad ads campaign spokesman spokeswoman spokesperson"""
)
ANON_HEADS = words(
    """official officials source sources person people aide aides adviser advisers
    advisor advisors insider insiders staffer staffers operative operatives strategist
    strategists diplomat diplomats observers member members someone"""
)
INDEFINITE = words("a an one two three four five six several some another many few")
ORDINALS = words("first second third fourth fifth")
# common women's first names, for "she" (everyone else is left unknown, not assumed male)
FEMALE_NAMES = words(
    """Hillary Nancy Elizabeth Kellyanne Sarah Nikki Carly Michelle Melania Ivanka Megyn
    Debbie Donna Susan Mary Patricia Jennifer Linda Barbara Margaret Lisa Karen Betty Helen
    Sandra Ashley Kimberly Emily Amy Angela Melissa Rebecca Laura Stephanie Anna Jill Kamala
    Dianne Maxine Loretta Sally Janet Condoleezza Madeleine Theresa Claire Kirsten Tammy
    Tulsi Jeanne Maggie Katie Kate Rachel Andrea Dana Brooke Jane Joan Judy Julie Julia
    Heather Erin Christina Christine Catherine Katherine Kathleen Ann Anne Ellen Diane Carol
    Ruth Sharon Cynthia Kathy Stacy Stacey Wendy Pam Pamela Gina Nina Tina Lori Samantha
    Jessica Alexandria Ilhan Rashida Ayanna Liz Beth Betsy Huma Cheryl Hilary Neera Jen
    Katrina Mika Rosie Oprah Cecile Marsha Susana Mazie Kelly Jeanine Jeannie Tamara Sonia
    Ruth Elena Sheila Shelley Debra Deborah Denise Kristen Kristin Krysten Alicia Alison
    Allison Amanda Amber Angie Annie Bernadette Bonnie Brenda Carla Caroline Carolyn Cathy
    Charlotte Chelsea Cindy Claudia Colleen Connie Courtney Crystal Daisy Dawn Dolores Doris
    Dorothy Edith Eileen Eleanor Elaine Elise Ella Emma Esther Eva Evelyn Faith Frances
    Gabrielle Gail Gayle Geraldine Gloria Grace Gwen Hannah Holly Irene Iris Isabel Jackie
    Jacqueline Jan Jean Jeanette Joanna Joanne Jodi Josephine Joy Joyce Judith Kari Katharine
    Kay Kerry Kim Kristi Kristina Krista Leah Lena Leslie Lillian Lily Lindsay Lois Lorraine
    Louise Lucy Lynn Madison Marcia Margo Maria Marie Marilyn Marjorie Martha Maureen Megan
    Meghan Melanie Meredith Mia Michele Mildred Miriam Molly Monica Naomi Natalie Nicole
    Nora Olivia Paula Pauline Peggy Penny Phyllis Priscilla Renee Rita Roberta Robin Rosa
    Rose Rosemary Roxanne Ruby Sabrina Sara Shannon Shirley Sophia Stella Sue Suzanne Sylvia
    Tanya Teresa Terri Tiffany Valerie Vanessa Vera Veronica Victoria Virginia Vivian Wanda
    Yolanda Yvonne Zoe Ayotte Hope Omarosa Sean"""
) - words("Ayotte Sean")
# common men's first names, so that "she" does not stand for a man
MALE_NAMES = words(
    """Donald Barack Bernie Joe Joseph Mike Michael Ted Marco Jeb Chris Christopher John Paul
    Tim Timothy Rand Ben Benjamin Jeff Jeffrey Harry Mitch Bill William Bob Robert Jim James
    Tom Thomas Dick Richard George Ron Ronald Rick Scott Steve Steven Stephen David Dan
    Daniel Mark Matt Matthew Jason Josh Joshua Eric Reince Newt Rudy Rudolph Chuck Charles
    Lindsey Marco Rob Bobby Ken Kenneth Kevin Brian Bryan Gary Larry Jerry Frank Jack Andrew
    Andy Anthony Tony Peter Pete Patrick Sam Samuel Henry Edward Ed Greg Gregory Martin
    Al Alan Allen Jonathan Jon Nick Nicholas Adam Ryan Justin Brandon Tyler Aaron Nathan
    Zachary Kyle Jose Juan Carlos Luis Jorge Vladimir Xi Kim Shinzo Recep Bashar Benjamin
    Justin Francois Emmanuel Boris Nigel Vicente Enrique Fidel Raul Hugo Rodrigo Abraham
    Ronald Gerald Jimmy Lyndon Dwight Franklin Woodrow Theodore Teddy Walter Howard Harold
    Raymond Roger Russell Randy Roy Ralph Wayne Eugene Carl Arthur Albert Louis Philip
    Phillip Keith Jeremy Terry Sean Wesley Bruce Willie Billy Johnny Jesse Alex Alexander
    Dennis Douglas Doug Jerome Fred Frederick Glenn Glen Grant Hank Herman Ivan Jake Jared
    Jay Jeremiah Joel Jordan Karl Kurt Lance Lee Leon Lou Luke Malcolm Marcus Marvin Max
    Mitt Nathaniel Neil Norm Oliver Oscar Phil Preet Reed Rex Rex Ricky Rod Ross Roy Rush
    Sherrod Stan Stanley Stuart Todd Trey Vince Vincent Wade Warren Will Zach Hakeem Elijah
    Jerrold Reuben Cory Corey Beto Kirk Orrin Lamar Dana Duncan Darrell Devin Elton Sonny"""
) - words("Dana Lee Kim Kerry Jordan Jan")

# more cue words mined from train cue spans (kept when at least half of their
# occurrences in train are annotated cues); and plural nouns dropped as cues
_MINED_SPEECH = words(
    """decried assailed slams bemoaned touted railed warn insist echoed argue slammed
    voiced expressed reminded retweeted declare announce acknowledge suggest sounded
    pointed"""
)
_MINED_OPINION = words(
    """referenced portray portrayed signaled likened invoked implied listed projected
    offered talked discussed discuss mention referred highlighted seeks sought encouraged
    recommended applauded championed deemed forecast indicate requested challenged
    criticize praise oppose defending"""
)
_MINED_PARTICIPLES = words(
    """thanking touting dismissing pledging mentioning blasting repeating denouncing
    announcing slamming criticizing refusing expecting questioning reminding mocking
    proposing alleging believing hoping"""
)
_NOUN_LIKE = words("states tweets remarks attacks charges answers questions posts shot saw")


def british(verbs: frozenset[str]) -> frozenset[str]:
    """The lists and their British spellings: PolNeAR is American, the news is not only
    ("criticised", "emphasises", "summarising")."""
    return verbs | {w.replace("iz", "is", 1) for w in verbs if "iz" in w}


SPEECH_VERBS = british((SPEECH_VERBS | _MINED_SPEECH) - _NOUN_LIKE)
OPINION_VERBS = british((OPINION_VERBS | _MINED_OPINION) - _NOUN_LIKE)
PARTICIPLES = british((PARTICIPLES | _MINED_PARTICIPLES) - _NOUN_LIKE)

# words that follow a source in train's annotated attributions at least three times in ten
# (mine_cues.py --min-count 4, precision >= 0.3) but are too loose to be cues themselves:
# the ranker takes "X dubbed ...", "X refused ..." as a hint that X is a source
ATTRIBUTION_HINTS = words(
    """acquiesced addressed admission admit admitting advocated aim aiming alluding also
    angered apologized appeared appears approved articulated assertion assumption
    attributed avoided aware backed backing balked blame blaming booed brushed
    celebrated cheer cite claim commented complain complaints concern conclude
    condemning confident congratulated considered considers consistently convince
    convinced credited criticism critique cry debated decided deciding delivering
    derided derisively describe desire detailing determining devoted discussing dislike
    distanced documented doubt dubbed eager echoing embraced emphasize emphasizing
    encourage endorse endorsing enthusiastically evenly explain explicitly express
    expressing favorably favored fearing focuses footage forcefully formally glad hailed
    highlight highlighting hints identified ignored imagined impassioned implicitly
    implying impressed inclination inclined informed initially introducing issued
    jokingly justify knocked labeled laid lambasted lashed launching lays learned length
    lists loudly measured named naming negotiated nominated note noticed offering
    officially openly opted ordered originally outlined outlining outspoken passed
    passion persuade persuaded pivoted pointedly portraying predict prefer preferred
    prefers presented pressed pressing privately promise promote publicly pushed pushing
    quick rattled realized rebuffed rebuked rebut recognized referencing refers refuse
    refused refuses regarded rejecting reluctant remembered remembers renewed repeat
    repeatedly reportedly respond restricting reveal ruled seeking seem seemed seems
    shared sharply shown sided signed similarly singled skeptical sparred speculation
    spoke squarely statement strongly suggestion supporting supportive suspected talking
    talks threaten threatened threatening titled tribute unveiled viewed vocal voted vow
    wary weighed welcomed widely wonder wondering worry"""
) - (SPEECH_VERBS | OPINION_VERBS | PARTICIPLES)

# words that make a capitalised name an organisation or a publication, not a person
ORG_WORDS = words(
    """University College Institute Laboratory Laboratories Lab Center Centre Department
    Ministry Agency Office Council Committee Commission Corp Corp. Corporation Inc Inc.
    Company Co. Ltd Group Party Association Foundation Society Bank Fund Board Bureau
    Service Services Administration Authority Court Police Army Navy Force Forces
    Organization Organisation Union Network News Times Post Journal Insider Herald Tribune
    Press Telegraph Guardian Gazette Register Magazine Reuters Records Productions
    Studios Media Hospital School Academy Church Club League Federation Alliance Trust
    Parliament Congress Senate Government Republic Kingdom States Nations Watch"""
)


# Function words the mention scanner (mentions.py) and the name splitter (names.py) read.
DETERMINERS = words("the a an The A An")
NUMBER_WORDS = words(
    """One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen
    Fifteen Sixteen Seventeen Eighteen Nineteen Twenty Thirty Forty Fifty"""
)
# "Patricia Moran of Cheyenne": after a name, where the person is from
PLACE_PREPS = words("of from in")
# "Rosaly Lopes of NASA's Jet Propulsion Laboratory": after a name, where the person works
WORKPLACE_PREPS = words("of from in at")
# "a senior analyst at Stratfor": after a role noun, the name is the employer's
AFFILIATION_PREPS = words("at for to with")
# "Bill de Blasio", "Ludwig van Beethoven": small words inside a name
NAME_PARTICLES = words("de van von da di del der la le bin al dos du ten")
# words that join a mention's parts: "a spokesman for the campaign"
CONNECTORS = words("of for at on to from in with and under")
# what ends a phrase after a connector: "officials in the city who ..."
AFTER_CONNECTOR_STOPS = words("who whom which that said says and , but")
# "with" and "of" are role words ("people familiar with ..."); opening a sentence they
# are prepositions
CAPITAL_PREPOSITIONS = words("With Of For From In On At To By Under Without About")
# words that open a relative clause: "an explosion that Mayor Bill de Blasio described"
RELATIVES = words("that which who whom whose where when what")
# a bare quantifier or group that speaks when it opens its clause: "Some say"
QUANTIFIERS = words("Some Others Many Most Few Both Several Critics Supporters Opponents Another")
# "An earlier report in a New Hampshire paper said": the noun before these heads the subject
PP_HEADS = words("in of at from for with")
# "on Thursday", "in a statement": an adjunct between a subject and its cue
ADJUNCT_PREPS = words("on in at last this late early")
ADJUNCT_NOUNS = DAYS | words("Twitter Facebook statement interview night morning")
# words that cannot sit between a determiner and its noun
NOT_ADJECTIVES = words("by as than into about over after before against between through")
# "a study by the Council": a thing whose maker speaks through it
AUTHORED_NOUNS = MEDIA_NOUNS | words(
    "study report analysis poll survey review gaffe investigation paper ruling order"
)
# adverbs not in -ly that stand between a subject and its verb ("The company flat-out
# denied", "Ghani first announced"); not in AUX, which also stops a title's modifiers
# ("first lady Melania Trump")
VERB_ADVERBS = words("first flat-out never initially finally")
# what opens an unknown description after a cue: "said one unaligned Florida strategist"
LOOSE_OPENERS = words("his her their one two three four five several another some")
IRREGULAR_PAST = words(
    """made took gave went came got held ran began brought kept left met put won lost led
    sent spent built wrote chose drew struck stood broke fell rose paid sought fought became"""
)
# what follows a participle that takes an object: "Marking the end of the primaries, ..."
OBJECT_OPENERS = words(
    """the a an his her their its this that these those to on in at for with about from by
    as into over up out off back him them it our my your what how why"""
)
# finite verbs and clause openers that end a prepositional tail (with the opinion verbs
# and AUX)
CLAUSE_STOPS = words(
    """is was are were be been being has had have will would could should can may might
    does did do who which that whose when where while because"""
)
# words that make an appositive a clause, not a role: "Trump, the official said, ..."
FINITE_WORDS = words("is was are were has had have will would said says")

# Words the speaker ranker (rank.py) reads around a candidate mention.
# nouns of saying: "Trump’s claim that", "her comments"
SPEECH_NOUNS = words(
    """claim claims call calls promise promises pledge pledges vow vows words remarks comment
    comments statement statements description assertion assertions argument arguments message
    messages slogan rhetoric tweet tweets post posts warning warnings charge charges accusation
    accusations suggestion insistence demand demands answer response reply phrase term label
    view views verdict prediction declaration announcement admission complaint criticism"""
)
# a preposition before a mention makes it an object: "talks with Putin"
PREPOSITIONS = words("to with from for about at of in on against than like into")
# verbs whose object is spoken to, not speaking: "told Trump"
TOLD_WORDS = words("told tells tell telling asked asking urged")
# words that open a clause: a mention after one is its subject
CLAUSE_OPENERS = words(
    """that which who and but because when if as while so said says although though
    where since after before until whom whose then also"""
)
PLURAL_PRONOUNS = words("they They we We")
FIRST_PERSON_PRONOUNS = words("I we We")

# Words the role judge (roles.py) reads: a role must hold a role noun, and no verb,
# pronoun or clause opener.
# mined role and title words that are not themselves what someone is
ROLE_NOT_HEADS = words(
    """a an the of for with our her his its their the-white-house another other others one
    two three four five few many most several some half first second third top former
    senior longtime retired vice deputy federal national foreign defense security policy
    political presidential democratic republican progressive conservative liberal american
    british chinese european french german iranian israeli mexican russian ukrainian u.s
    u.s. us white house state senate majority minority prime familiar knowledge data poll
    polls survey surveys report study statement letter memo message messages tweet tweets
    post ad ads account website percent plurality press communications intelligence military
    administration administration's campaign campaign's party's pentagon's government"""
)
# role nouns beyond the mined role words, titles and anonymous heads
MORE_ROLE_HEADS = words(
    """coach captain chef nurse victim witness guard head pilot star pupil student clerk
    priest rabbi imam bishop sheriff marshal patient deputy agent fm pm mp mep coo cto
    cmo cio md gm vp svp evp dg ag da mla mpp"""
)
# words shaped like agent nouns ("-er", "-ist", "-ent") that name no one
NOT_AGENTS = words(
    """however whatever whenever wherever whoever moreover never ever other another either
    neither whether rather further together after under over later earlier recent current
    different present percent moment event content intent extent parent apparent
    silent urgent decent consistent independent important significant relevant recent
    statement agreement department government management development environment treatment
    investment announcement comment element payment document argument requirement
    settlement enforcement equipment employment unemployment achievement improvement
    movement assessment amendment appointment excitement instrument segment sentiment
    percent cent accident incident evident ancient efficient sufficient frequent
    prominent permanent dominant significant brilliant elegant vibrant distant instant
    constant pleasant relevant giant plant grant want meant sent spent went rent tent dent
    bent lent scent ascent event human woman's german roman italian asian christian
    canadian australian indian russian european american african brazilian mexican
    iranian syrian egyptian haitian jamaican nigerian kenyan ghanaian korean ukrainian
    hungarian norwegian belgian civilian guardian median suburban urban veteran
    water weather winter summer number member's matter letter order border corner
    center centre theater theatre paper power tower hour our your their other mother's
    father's brother's sister's daughter's error mirror color colour floor door
    honor honour labor labour favor favour behavior behaviour major minor motor
    factor sector interior exterior superior inferior junior senior prior"""
)
ROLE_CLAUSE_OPENERS = words("who whom whose which that when where while because as if")
BE_HAVE = words("is was are were has had have")
# what parts a title from the words before it: "led by Gov.", "threatened to kill Rep."
ROLE_LINKS = words("to by for with of in on at from and or but as than into about after before")
DETERMINERS_AND_POSSESSIVES = words("a an the this that these those his her their its our my your")

# Words the resolver (resolve.py) reads to tell who a mention stands for.
# heads of a description that fit any speaker: "a person familiar with", "sources"
GENERIC_HEADS = words("person source sources people")
DEFINITE = words("the this that The This That")
# words a description shares with any other: not what makes two the same speaker
DESCRIPTION_STOPS = words("the a an one this that his her their its of for at in to from with")
# "his claim" speaks for "he"
OWNER_PRONOUNS = {"his": "he", "His": "He", "her": "she", "Her": "She"}
# pronouns that may stand for a body: "Big Machine have denied it. “...,” they said"
BODY_PRONOUNS = words("it It they They")
SECOND_PERSON_PRONOUNS = words("You you")
# heads of a description that name a body, not a person: "the production company"
BODY_HEADS = words(
    """company firm agency label group organisation organization department ministry office
    government committee council union administration network university hospital court
    board commission authority bank studio publisher retailer airline manufacturer"""
)
# documents that speak for their author: "the statement", brought up in its author's sentence
DOCUMENT_NOUNS = words("statement letter memo release email message")
# what a text says someone made, so that it speaks for them: "a survey by X"
MADE_HEADS = words(
    """study report analysis poll survey review paper investigation audit assessment
    statement letter memo release email message book article column"""
)
# where a description's head noun ends: "an official from the department" -> "official"
HEAD_ENDS = words("from for at of in with familiar who")
FEMALE_TITLES = words(
    """mrs mrs. ms ms. miss congresswoman chairwoman spokeswoman businesswoman
    councilwoman assemblywoman madam first-lady queen"""
)
MALE_TITLES = words(
    """mr mr. congressman chairman spokesman businessman councilman assemblyman king"""
)
# small words that join a body's name, never a person's ("Doctors for Camp Closure")
BODY_GLUE = words("and for of on &")

# Words the quotation judge (quoted.py) reads: is it speech, a title, a name for something?
# small words a title leaves in lower case: "Fire and Fury", "Man of the Year"
TITLE_SMALL_WORDS = words("a an the of and or for to in on at by with from as is it vs")
# verbs and nouns that give something a name: 'dubbed “the Donald”', 'the term “pivot”'
NAMING_WORDS = words(
    """called calling dubbed named labeled labelled termed titled term word phrase slogan
    label as so-called nicknamed branded deemed"""
)
# words that make a quotation a clause someone says rather than a term or a title
CLAUSE_WORDS = words(
    """i i'm i’m i've i’ve we we're we’re we've we’ve you you're you’re he she they it's
    it’s is are was were will would can can't can’t could should must not don't don’t
    didn't didn’t doesn't doesn’t won't won’t do does did have has had am be been my our
    me us your there this that"""
)
# what introduces a list of quoted names: 'films including “Bambi”'
LIST_INTROS = words("including like such")
# a preposition before a quotation: 'in “The Art of the Deal”'
QUOTE_PREPOSITIONS = words("in on at of for with from to by about into over than like")

# Words the cue scorer (cue_score.py) reads in and around a report.
# finite verbs: a stretch holding one is a clause ("he *was* ..."), not a noun phrase
FINITE_VERBS = words(
    """is are was were will would could can should may might must has have had do does did
    isn’t wasn’t won’t wouldn’t can’t couldn’t don’t doesn’t didn’t hasn’t haven’t isn't
    wasn't won't wouldn't can't couldn't don't doesn't didn't hasn't haven't"""
)
BE_FORMS = words("is are was were be been being")
NEGATIONS = words("not never n’t n't no")
# a paragraph label that names no speaker: "UPDATE: ...", "PHOTO: ..."
LABEL_STOPS = words("UPDATE NOTE BREAKING WATCH READ EDITOR PHOTO VIDEO CORRECTION PS P.S")
# answers a report may be: "half said so", "72 percent said yes"
ANSWERS = words("so yes no")
# what opens a speaker candidate in lower case: "the", "several", "most"
NP_OPENERS = words("the a an several some many most both all")

# "once again", "however": what cannot open such an adverbial between a pronoun and its verb
NOT_ADVERBIAL_STARTS = words("a an the one who which that")
