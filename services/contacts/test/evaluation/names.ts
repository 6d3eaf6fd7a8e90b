/**
 * Name pools for the duplicate-detection evaluation, most common first (the generator draws
 * them with a Zipf-like skew, so that the first family names are shared by hundreds of records).
 */
export const FAMILY_NAMES = `
Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor Anderson Thomas Jackson White Harris Martin Thompson
Garcia Martinez Robinson Clark Rodriguez Lewis Lee Walker Hall Allen Young Hernandez King Wright Lopez Hill Scott
Green Adams Baker Gonzalez Nelson Carter Mitchell Perez Roberts Turner Phillips Campbell Parker Evans Edwards Collins
Stewart Sanchez Morris Rogers Reed Cook Morgan Bell Murphy Bailey Rivera Cooper Richardson Cox Howard Ward Torres
Peterson Gray Ramirez James Watson Brooks Kelly Sanders Price Bennett Wood Barnes Ross Henderson Coleman Jenkins
Perry Powell Long Patterson Hughes Flores Washington Butler Simmons Foster Gonzales Bryant Alexander Russell Griffin
Diaz Hayes Myers Ford Hamilton Graham Sullivan Wallace Woods Cole West Jordan Owens Reynolds Fisher Ellis Harrison
Gibson Mcdonald Cruz Marshall Ortiz Gomez Murray Freeman Wells Webb Simpson Stevens Tucker Porter Hunter Hicks
Crawford Henry Boyd Mason Morales Kennedy Warren Dixon Ramos Reyes Burns Gordon Shaw Holmes Rice Robertson Hunt
Black Daniels Palmer Mills Nichols Grant Knight Ferguson Rose Stone Hawkins Dunn Perkins Hudson Spencer Gardner
Stephens Payne Pierce Berry Matthews Arnold Wagner Willis Ray Watkins Olson Carroll Duncan Snyder Hart Cunningham
Bradley Lane Andrews Ruiz Harper Fox Riley Armstrong Carpenter Weaver Greene Lawrence Elliott Chavez Sims Austin
Peters Kelley Franklin Lawson Fields Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski
Muller Schmidt Schneider Fischer Weber Meyer Schulz Becker Hoffmann Koch Richter Klein Wolf Schroder Neumann
`.trim().split(/\s+/);

export const GIVEN_NAMES = `
James Mary Robert Patricia John Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica
Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Margaret Anthony Betty Donald Sandra Mark Ashley
Paul Dorothy Steven Kimberly Andrew Emily Kenneth Donna Joshua Michelle Kevin Carol George Amanda Brian Melissa
Edward Deborah Ronald Stephanie Timothy Rebecca Jason Laura Jeffrey Sharon Ryan Cynthia Jacob Kathleen Gary Amy
Nicholas Shirley Eric Angela Jonathan Helen Stephen Anna Larry Brenda Justin Pamela Scott Nicole Brandon Samantha
Benjamin Katherine Samuel Emma Gregory Ruth Frank Christine Alexander Catherine Raymond Debra Patrick Rachel Jack
Carolyn Dennis Janet Jerry Virginia Tyler Maria Aaron Heather Jose Diane Henry Julie Adam Joyce Douglas Victoria
Nathan Kelly Peter Christina Zachary Joan Kyle Evelyn Walter Lauren Harold Judith Jeremy Olivia Ethan Frances
Carl Martha Keith Cheryl Roger Megan Gerald Andrea Christian Hannah Terry Jacqueline Sean Ann Arthur Jean Austin
Alice Noah Kathryn Lawrence Gloria Jesse Teresa Joe Doris Bryan Sara Billy Janice Jordan Julia Albert Marie Dylan
Chloe Bruce Madison Willie Grace Gabriel Judy Alan Theresa Juan Beverly Logan Denise Wayne Marilyn Ralph Amber Roy
Danielle Eugene Abigail Randy Brittany Vincent Rose Russell Diana Louis Natalie Philip Sophia Bobby Alexis Johnny
Lori Bradley Kayla Tomasz Katarzyna Wojciech Malgorzata Aleksander Agnieszka Piotr Krzysztof Anja Lukas Jonas
`.trim().split(/\s+/);

export const STREETS = `
High Station Main Park Church London Victoria Green Manor Mill Queens Kings Grange Chapel School North South West
Elm Oak Maple Cedar Pine Willow Birch Ash Lime Beech Cherry Hawthorn Meadow Orchard River Lake Hill Valley Spring
`.trim().split(/\s+/);

export const STREET_KINDS = ["Street", "Road", "Lane", "Avenue", "Drive", "Close", "Way", "Court"];

export const CITIES = `
Springfield Riverton Fairview Greenville Bristol Clinton Franklin Georgetown Madison Salem Arlington Ashland Oxford
Milton Newport Dover Hudson Kingston Burlington Manchester
`.trim().split(/\s+/);

/** Syllables for rare family names, so that not every family name is a common one. */
export const SYLLABLES = `
al bar ber bran cal car dor dun el fal gar hal har ing kel ker lan lin mar mer mon nor par ran ros sel ston tal ter
thor ven vil wal wen wick win yar zan brook field ford ham ley ton worth
`.trim().split(/\s+/);
