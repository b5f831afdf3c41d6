"""Hidden suite for Q1: the layout (channels, height, width), dtype and value range of images never seen before."""
import torch

from grader.judge.api import fail, points, type_name
from grader.judge.api import StudentError

HINT = ("Q1: a greyscale image is a (height, width) grid with one number per pixel; a colour image adds a last axis "
        "of length 3 (red, green, blue), so its shape is (height, width, 3). See the chapter's section 'Pixels: "
        "The Foundations of Computer Vision'.")
HINT_RANGE = ("Q1: min and max are the values actually in the image (img.min(), img.max()), not the limits of the "
              "dtype; .item() turns a one-number tensor into a plain Python number.")
KEYS = ("channels", "height", "width", "dtype", "min", "max")


def image(shape, dtype, seed, low=0, high=256):
    """A random image; uint8 values in [low, high), float32 values the same bytes divided by 255."""
    gen = torch.Generator().manual_seed(seed)
    t = torch.randint(low, high, shape, generator=gen, dtype=torch.int64)
    return t.to(torch.uint8) if dtype == torch.uint8 else t.to(torch.float32) / 255


def describe(submission, img):
    """Call the student's describe_image, naming the usual reason a result cannot cross to the grader."""
    try:
        got = submission.call("describe_image", img.clone())
    except StudentError as exc:
        if exc.type == "NotPlainData" and "dtype" in str(exc.info.get("message")):
            fail("describe_image put a torch.dtype object in the dict; give the dtype's name as a string "
                 "(str(img.dtype) without the 'torch.' prefix)", HINT)
        raise
    if not isinstance(got, dict):
        fail(f"describe_image returned {type_name(got)}; it should return a dict with the keys "
             f"{', '.join(KEYS)}", HINT)
    absent = [k for k in KEYS if k not in got]
    if absent:
        fail(f"the dict describe_image returned has no {', '.join(repr(k) for k in absent)} key", HINT)
    return got


def check_layout(img, got):
    h, w = img.shape[0], img.shape[1]
    colour = img.ndim == 3
    for key in ("channels", "height", "width"):
        if isinstance(got[key], torch.Tensor) or type(got[key]) is not int:
            fail(f"describe_image gave {type_name(got[key])} for {key!r}; give a plain int", HINT)
    c, gh, gw = got["channels"], got["height"], got["width"]
    if not colour:
        if c == 2:
            fail("describe_image gave 2 channels for a greyscale image: that is its number of axes (its rank), "
                 "not its channels; a greyscale image has one number per pixel, so 1 channel", HINT)
        if c == w and c != 1:
            fail("describe_image read the channels of a greyscale image from its last axis, which is its width: a "
                 "(height, width) image has no channel axis, so look at img.ndim (2 axes means 1 channel)", HINT)
        if c != 1:
            fail("describe_image gave the wrong number of channels for a greyscale image (it has 1)", HINT)
    else:
        if (c, gh, gw) == (h, w, 3) and h != 3:
            fail("describe_image read a colour image as channels-first (channels, height, width); an RGB picture "
                 "from PIL is (height, width, 3), with the 3 colour values of each pixel on the last axis", HINT)
        if c != 3:
            fail("describe_image gave the wrong number of channels for a colour image: it has 3 (red, green and "
                 "blue) on its last axis", HINT)
    if (gh, gw) == (w, h) and h != w:
        fail("describe_image swapped height and width: the first axis counts the rows (height), the second the "
             "columns (width)", HINT)
    if (gh, gw) != (h, w):
        fail(f"describe_image gave the wrong height or width for an image of shape {tuple(img.shape)}", HINT)


def check_dtype(img, got):
    want = str(img.dtype).replace("torch.", "")
    if not isinstance(got["dtype"], str):
        fail(f"describe_image gave {type_name(got['dtype'])} for 'dtype'; give the dtype's name as a string", HINT)
    if got["dtype"] == str(img.dtype):
        fail("describe_image gave the dtype with its 'torch.' prefix; the prompt asks for the bare name, such as "
             "'uint8'", HINT)
    if got["dtype"] != want:
        fail(f"describe_image gave the wrong dtype name for a {want} image", HINT)


def check_range(img, got):
    lo, hi = img.min().item(), img.max().item()
    for key in ("min", "max"):
        value = got[key]
        if isinstance(value, torch.Tensor):
            fail(f"describe_image gave a tensor for {key!r}; turn it into a plain number with .item()", HINT_RANGE)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"describe_image gave {type_name(value)} for {key!r}; give a plain number", HINT_RANGE)
    if img.dtype == torch.uint8:
        if (got["min"], got["max"]) == (0, 255) and (lo, hi) != (0, 255):
            fail("describe_image gave 0 and 255 for an image whose values do not reach them: those are the limits "
                 "of the uint8 dtype, not the smallest and largest values in this image", HINT_RANGE)
        if type(got["min"]) is not int or type(got["max"]) is not int:
            fail("describe_image gave floats for min/max of a uint8 image; a uint8 image holds whole numbers, so "
                 "give ints (tensor.item() does)", HINT_RANGE)
    elif (got["min"], got["max"]) == (0.0, 1.0) and (lo, hi) != (0.0, 1.0):
        fail("describe_image gave 0 and 1 for a float image whose values do not reach them: give the smallest and "
             "largest values actually in the image", HINT_RANGE)
    if (got["min"], got["max"]) == (hi, lo) and lo != hi:
        fail("describe_image swapped min and max", HINT_RANGE)
    if got["min"] != lo or got["max"] != hi:
        fail("describe_image gave the wrong min or max for an unseen image", HINT_RANGE)


GREY_SHAPES = [(28, 28), (5, 9), (12, 4), (3, 7), (6, 3), (1, 16)]
COLOUR_SHAPES = [(28, 28, 3), (4, 10, 3), (9, 5, 3), (3, 8, 3), (7, 3, 3), (3, 3, 3)]


@points(2)
def test_greyscale_layout(submission):
    """describe_image gives 1 channel and the right height and width for greyscale images never seen"""
    for i, shape in enumerate(GREY_SHAPES):
        img = image(shape, torch.uint8, seed=100 + i)
        check_layout(img, describe(submission, img))


@points(2)
def test_colour_layout(submission):
    """describe_image gives 3 channels and the right height and width for colour images never seen"""
    for i, shape in enumerate(COLOUR_SHAPES):
        img = image(shape, torch.uint8, seed=200 + i)
        check_layout(img, describe(submission, img))


@points(1)
def test_dtype_names(submission):
    """describe_image names the dtype of uint8 and float32 images"""
    for i, (shape, dtype) in enumerate([((6, 5), torch.uint8), ((6, 5), torch.float32), ((4, 7, 3), torch.float32),
                                        ((4, 7, 3), torch.uint8)]):
        img = image(shape, dtype, seed=300 + i)
        check_dtype(img, describe(submission, img))


@points(2)
def test_value_range(submission):
    """describe_image gives the actual smallest and largest values, as plain numbers, for both dtypes"""
    cases = [((10, 12), torch.uint8, 40, 200), ((8, 6, 3), torch.uint8, 0, 256), ((5, 5), torch.uint8, 17, 18),
             ((9, 4), torch.float32, 30, 230), ((6, 6, 3), torch.float32, 5, 250), ((28, 28), torch.uint8, 0, 256)]
    for i, (shape, dtype, low, high) in enumerate(cases):
        img = image(shape, dtype, seed=400 + i, low=low, high=high)
        check_range(img, describe(submission, img))
